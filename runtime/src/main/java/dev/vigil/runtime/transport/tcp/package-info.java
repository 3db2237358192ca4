/**
 * The direct request plane ({@code DYN_REQUEST_PLANE=tcp}, Dynamo's default): requests and their
 * response streams go straight from the calling process to the serving one over TCP, on Vert.x
 * ({@link TcpRequestPlane}). There is no broker: a cluster on this plane runs without nats-server.
 *
 * <h2>Addressing</h2>
 *
 * A serving process listens on one port ({@code DYN_TCP_RPC_HOST}:{@code DYN_TCP_RPC_PORT}, a free
 * port by default) for all its endpoints, and publishes each endpoint instance in discovery as
 * Dynamo's TCP transport does: {@code "transport":{"tcp":"10.0.0.5:41235/694d98147d54be25/generate"}},
 * that is {@code host:port/<instance id hex>/<endpoint>}. The part after the first {@code /} is the
 * endpoint's key on that listener.
 *
 * <h2>Connections</h2>
 *
 * A calling process opens a connection to a serving process ({@code host:port}) on its first call
 * there and keeps it; every call to any endpoint of that process is a stream on it, numbered by the
 * caller. Calls made on one of the plane's Vert.x event loops (the frontend's HTTP handlers) get one
 * such connection per loop, opened on that loop, so a request's frames are written and its answer
 * read on the loop that handles the HTTP request, with no hand-off between loops; calls from other
 * threads, and event subscriptions, share one connection per serving process. Frames sent while a
 * connection is still opening wait in order. When a connection closes the caller forgets it, and
 * the next call opens a new one.
 *
 * <h2>Frames</h2>
 *
 * Every frame is {@code u32 length} (of the rest), {@code u8 kind}, {@code u64 stream}, then the
 * kind's body; integers big-endian, strings UTF-8 ({@code TcpWire} spells it).
 *
 * <ul>
 *   <li>Caller to server: {@code REQUEST} (u16-length endpoint key, u16-length request id, then the
 *       payload), {@code STOP}, {@code KILL}, {@code CREDIT} (u64: bytes of data the caller took),
 *       {@code SUBSCRIBE} (stream = subscription id, body = subject pattern), {@code UNSUBSCRIBE}.
 *   <li>Server to caller: {@code ACK} (sent at once on receipt, before the handler runs), {@code
 *       DATA} (u64 sequence number from 0, then the handler's bytes), {@code END} (u64 count of data
 *       frames), {@code ERROR} (the count, then the handler's message), {@code ENGINE_ERROR} (as
 *       {@code ERROR}, when the worker's engine failed the request), {@code REJECT} (the endpoint
 *       is not served there, or no longer accepts: a message), {@code HEARTBEAT} (stream 0), {@code
 *       EVENT} (stream = subscription id; u16-length subject, then the payload), {@code SUBSCRIBED}.
 * </ul>
 *
 * Nothing of a stream follows its {@code END}, {@code ERROR}, {@code ENGINE_ERROR} or {@code REJECT}. Unknown kinds are
 * ignored, so a newer peer may add kinds. A frame longer than 64 MiB is a peer that does not speak
 * the protocol: the connection is closed.
 *
 * <h2>Flow control</h2>
 *
 * Each stream has a credit, in bytes of data-frame payload: it starts at 64 KiB ({@code
 * TcpWire.INITIAL_WINDOW}, a constant of the protocol, so the first tokens need no round trip), and
 * grows by each {@code CREDIT} the caller sends. The server puts a data frame on the wire only while
 * the stream has credit left (a frame may take it below zero, so a frame larger than the window
 * still goes), holds later frames, and the end behind them, in order, and tells the handler it is
 * not writable, so the worker pauses its engine; a {@code CREDIT} sends what is held and resumes
 * it. The caller grants what its observer took, in batches of half a window, and grants nothing
 * while the stream is paused (its HTTP client stopped reading). So one slow stream stops only
 * itself: other streams on the same connection keep their own credit. A handler that ignores
 * flow control may hold four windows beyond its credit; past that its request fails ({@code ERROR})
 * and is killed. Heartbeats, events and control frames need no credit.
 *
 * <h2>The same semantics as the NATS plane</h2>
 *
 * <ul>
 *   <li>{@code REJECT}, or a connection that cannot be opened (nobody listens there), or one that
 *       closes before the acknowledgement: {@link dev.vigil.runtime.transport.StreamError.CannotConnect
 *       CannotConnect} at once. No acknowledgement within the ack timeout: {@code CannotConnect} too.
 *   <li>A data frame out of sequence, or an end whose count disagrees: {@link
 *       dev.vigil.runtime.transport.StreamError.Disconnected Disconnected} (and a {@code KILL}).
 *   <li>An acknowledged stream whose connection closes: {@code Disconnected} at once. This is how a
 *       worker that dies (its kernel closes the socket) is noticed: in a round trip, not after the
 *       silence timeout.
 *   <li>An acknowledged stream whose connection carried no frame at all for the silence timeout:
 *       {@code Disconnected} (and a {@code KILL}). The server sends a {@code HEARTBEAT} on each
 *       connection with requests in flight every heartbeat interval, so a slow worker is told from a
 *       frozen one (stopped, or a host gone without a reset), which is still caught this way.
 *   <li>{@code ERROR}: {@link dev.vigil.runtime.transport.StreamError.Backend Backend}; {@code
 *       ENGINE_ERROR}: {@link dev.vigil.runtime.transport.StreamError.EngineShutdown EngineShutdown},
 *       which the caller may migrate; {@code END}:
 *       {@code onComplete}.
 *   <li>{@code STOP} asks the handler to finish early (the stream still ends with {@code END});
 *       {@code KILL} ends the request at the server at once. A frame for a stream the caller no
 *       longer knows (killed, timed out) is answered with {@code KILL}.
 *   <li>The server kills every request of a connection that closes: a caller that goes away stops
 *       its work, as nats-server's "no responders" does on the NATS plane.
 * </ul>
 *
 * <h2>Events</h2>
 *
 * Events are published by the serving processes and sent on the connections of callers that
 * subscribed to a matching subject ({@code *} one token, a final {@code >} the rest). A subscriber
 * finds publishers in discovery: every process that serves on the TCP plane, now and as they come.
 * It connects to each, subscribes, and opens a connection again every second to a publisher still in
 * discovery whose connection closed. Events are fire and forget: one published while a subscriber
 * is not connected is not seen by it.
 *
 * <h2>Threads</h2>
 *
 * Frames are read on Vert.x event loops (the application's, in the apps), checked there, and handed
 * to each stream's observer through a per-stream serial queue on a cached pool, as on the NATS
 * plane: a stream's callbacks run one at a time and in order, and a slow observer holds neither the
 * event loop nor other streams. Handlers run on that pool too, after the acknowledgement went out.
 * Frames written from other threads are handed to the connection's event loop in the order written.
 * One timer thread sends heartbeats, checks timeouts and reopens event links.
 */
package dev.vigil.runtime.transport.tcp;
