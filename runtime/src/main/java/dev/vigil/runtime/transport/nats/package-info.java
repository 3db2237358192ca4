/**
 * The request plane on NATS core (no JetStream): {@link NatsRequestPlane}, one connection per
 * process, which reconnects by itself after nats-server restarts.
 *
 * <h2>Wire protocol</h2>
 *
 * This comment is the one place the protocol is defined ({@code NatsWire} only spells it). All
 * metadata travels in NATS headers (nats-server 2.2 and later); bodies are the caller's bytes.
 *
 * <p><b>Subjects.</b>
 *
 * <ul>
 *   <li>{@code S}: an endpoint instance, such as {@code dynamo_backend.generate-694d98147d54be25}
 *       ({@code EndpointId.subject}). One plane subscribes to it, with no queue group.
 *   <li>{@code R = <caller inbox>.<n>}: the reply subject of one call. Each plane has one inbox
 *       ({@code _INBOX.<nuid>}) and one wildcard subscription on {@code <caller inbox>.*}; {@code n}
 *       is a counter, so reply subjects are unique for the life of the plane (no subscription per
 *       call).
 *   <li>{@code C = <server inbox>.<k>}: the control subject of one request being served. Each plane
 *       has one such wildcard subscription too; {@code k} is a counter.
 * </ul>
 *
 * <p><b>Request</b> (caller to worker): published to {@code S} with reply-to {@code R}, header
 * {@code Vigil-Request-Id: <id>}, body the payload.
 *
 * <p><b>Frames</b> (worker to caller): published to {@code R} with reply-to {@code C}, header {@code
 * Vigil-Frame: <kind>}:
 *
 * <ul>
 *   <li>{@code ack}: sent at once on receipt, before the handler runs. Empty.
 *   <li>{@code data}: {@code Vigil-Seq: 0, 1, 2, ...}; the body is what the handler sent.
 *   <li>{@code hb}: every heartbeat interval while the request is in flight, whatever else is sent,
 *       so a slow worker is told from a dead one. Empty.
 *   <li>{@code end}: the normal end (also after a STOP); {@code Vigil-Seq} is the number of data
 *       frames sent. Empty.
 *   <li>{@code error}: the handler failed the request; {@code Vigil-Seq} as for {@code end}; the
 *       body is the message (UTF-8). With {@code Vigil-Error: engine} the engine behind the handler
 *       failed rather than the request being bad (a caller that does not know the header reads a
 *       plain error).
 * </ul>
 *
 * Nothing follows {@code end} or {@code error}. Unknown kinds are proof of life and otherwise
 * ignored, so a newer peer may add kinds.
 *
 * <p><b>Control</b> (caller to worker): published to {@code C} (learnt from the reply-to of any
 * frame, normally the {@code ack}) with header {@code Vigil-Control: stop} or {@code kill} and
 * {@code Vigil-Request-Id} (for logs). A STOP asked for before the acknowledgement is sent when it
 * arrives. A KILL ends the request at the worker at once: it stops counting as in flight and what
 * the handler still sends is dropped. Control subjects belong to the plane, not to the endpoint, so
 * STOP and KILL still reach requests in flight after their {@code ServedEndpoint} was closed (which
 * unsubscribes {@code S}, confirmed by nats-server, so new callers get "no responders").
 *
 * <p><b>What the caller concludes</b>
 *
 * <ul>
 *   <li>nats-server's status 503 "no responders" on {@code R}: nobody serves {@code S}:
 *       {@link dev.vigil.runtime.transport.StreamError.CannotConnect CannotConnect} at once.
 *   <li>no frame within the ack timeout: {@code CannotConnect} (a subscriber that never answers).
 *       Until the first frame only this timeout applies; the silence timeout starts with it.
 *   <li>a data frame whose number is not the next one, or an {@code end}/{@code error} whose count
 *       disagrees: frames were lost, {@link dev.vigil.runtime.transport.StreamError.Disconnected Disconnected}.
 *   <li>after the acknowledgement, no frame of any kind for the silence timeout: {@code
 *       Disconnected}. A worker killed mid-stream is noticed this way, within about the silence
 *       timeout.
 *   <li>{@code error}: {@link dev.vigil.runtime.transport.StreamError.Backend Backend} with the message,
 *       or {@link dev.vigil.runtime.transport.StreamError.EngineShutdown EngineShutdown} with {@code
 *       Vigil-Error: engine}; {@code end}: {@code onComplete}.
 * </ul>
 *
 * Whenever the caller gives up on a stream the worker may still be serving (a gap, silence), it
 * sends KILL; and any frame that arrives for a call it no longer knows (killed, timed out, a late
 * acknowledgement) is answered with KILL, so abandoned work stops at the worker too.
 *
 * <p><b>What the worker concludes.</b> Every frame carries reply-to {@code C}. When the caller's
 * inbox is gone (its process died, its connection closed, its plane closed), nats-server answers
 * the next frame (at the latest the next heartbeat) with status 503 on {@code C}, and the worker
 * treats the request as killed: {@code killed()} becomes true and the handler's control listeners
 * hear KILL. The caller needs no heartbeats of its own for that. (The catch: nats-server must
 * notice the caller's connection is gone. When the caller's process dies its kernel closes the
 * socket and that is immediate; when a whole host vanishes without a reset, nats-server's own ping
 * interval, two minutes by default, bounds it.)
 *
 * <p><b>Limits.</b> A frame larger than nats-server's {@code max_payload} (1 MB by default) cannot be
 * sent: it is logged, and the caller sees the gap. There is no flow control: a stream's frames
 * queue for its observer without bound, so observers should be quick.
 *
 * <h2>Threads</h2>
 *
 * Frames are read on a jnats dispatcher thread, checked there, and handed to each stream's observer
 * through a per-stream serial queue on a cached pool: a stream's callbacks run one at a time and in
 * order, and a slow observer holds neither the dispatcher nor other streams. Handlers are called on
 * that pool too, after the acknowledgement went out. One timer thread sends heartbeats and checks
 * timeouts. Event subscriptions each get their own dispatcher, so a slow event consumer holds only
 * itself.
 *
 * <h2>Connection</h2>
 *
 * {@link NatsRequestPlane#connect} fails within a few seconds, naming the URL, when nats-server cannot be reached.
 * After that, jnats reconnects without limit, {@value NatsRequestPlane#RECONNECT_WAIT_MILLIS} ms apart, and restores
 * the subscriptions; {@link NatsRequestPlane#connected()} says whether it is connected now. A call made while
 * disconnected fails at once with {@code CannotConnect}, rather than being buffered and delivered
 * after the caller gave up on it; streams in flight during an outage end with {@code Disconnected}
 * by the silence timeout.
 */
package dev.vigil.runtime.transport.nats;
