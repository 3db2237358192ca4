package dev.vigil.runtime.transport.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.NoCall;
import dev.vigil.runtime.transport.support.ObserverChannel;

/**
 * The calling side of the TCP plane: its connections to serving processes ({@link TcpPeer}, by
 * listener and calling event loop), the calls multiplexed on them ({@link TcpCall}), and the sweep
 * that judges their timeouts. Event subscriptions ride on the same connections ({@link
 * TcpSubscriptions}); frames of theirs go to {@code events}.
 */
final class TcpCalls {

    private static final Logger LOG = Logger.getLogger(TcpRequestPlane.class);

    private final Vertx vertx;
    private final TcpPlaneSettings settings;
    private final NetClient client;
    private final BiConsumer<Long, Buffer> events;
    /** Stream ids and subscription ids, from one counter: unique on every connection. */
    private final AtomicLong nextId = new AtomicLong();
    /** What the streams of these calls hold for their observers ({@link #heldBytes()}). */
    private final AtomicLong heldBytes = new AtomicLong();
    /**
     * Connections by listener and, for calls made on one of this plane's Vert.x event loops, by that
     * loop (null for other threads): see {@link #peer(TcpAddress, Context)}.
     */
    private final ConcurrentMap<PeerKey, TcpPeer> peers = new ConcurrentHashMap<>();

    /**
     * @param events where an event frame of a subscription goes: its subscription's id and the frame
     */
    TcpCalls(Vertx vertx, TcpPlaneSettings settings, BiConsumer<Long, Buffer> events) {
        this.vertx = vertx;
        this.settings = settings;
        this.events = events;
        this.client =
                vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout((int)
                        settings.ackTimeout().toMillis()));
    }

    long nextId() {
        return nextId.incrementAndGet();
    }

    ResponseStream call(
            String subject, String requestId, byte[] payload, ResponseObserver observer, Executor callbacks) {
        ObserverChannel channel =
                new ObserverChannel(observer, callbacks, ObserverChannel.DEFAULT_MAX_HELD_BYTES, heldBytes);
        Optional<TcpAddress> parsed = TcpAddress.parse(subject);
        if (parsed.isEmpty()) {
            channel.error(new StreamError.CannotConnect("'" + subject
                    + "' is not a TCP request plane address (host:port/id/endpoint); does that worker run"
                    + " another DYN_REQUEST_PLANE?"));
            return new NoCall(requestId);
        }
        TcpAddress address = parsed.get();
        long stream = nextId();
        Buffer request = TcpWire.request(stream, address.key(), requestId, payload);
        // A connection found closed between lookup and use is replaced once; a second closed one
        // means the server is going away.
        TcpCall call = null;
        Context loop = callingLoop();
        for (int attempt = 0; attempt < 2; attempt++) {
            TcpPeer peer = peer(address, loop);
            call = new TcpCall(peer, stream, subject, requestId, channel, settings.clock());
            if (peer.start(call, request)) {
                return call;
            }
        }
        call.connectionLost("connection to " + address.server() + " closed");
        return call;
    }

    long heldBytes() {
        return heldBytes.get();
    }

    /** The shared connection to the listener {@code server} ({@code host:port}): what events ride on. */
    TcpPeer peer(String server) {
        return peer(TcpAddress.parse(server + "/events").orElseThrow(), null);
    }

    Iterable<TcpPeer> peers() {
        return peers.values();
    }

    /** The connection is gone: the next call to that process opens a new one. */
    void forget(TcpPeer peer) {
        peers.remove(peer.key(), peer);
    }

    void deliverEvent(long subscription, Buffer frame) {
        events.accept(subscription, frame);
    }

    /**
     * Fails the calls that waited too long for an acknowledgement or heard nothing for too long,
     * unless their connection's own event loop is behind on its reads (then nothing of it can be
     * judged: the heartbeats may be there, unread).
     */
    void checkTimeouts() {
        try {
            long now = settings.clock().nanoTime();
            long tolerable = settings.heartbeatInterval().toNanos();
            for (TcpPeer peer : peers.values()) {
                if (!peer.calls().iterator().hasNext()) {
                    continue;
                }
                if (peer.loopLagNanos(now, tolerable) > tolerable) {
                    // Our own loop is behind on its reads: no timeout of this connection can be judged.
                    continue;
                }
                long lastRead = peer.lastReadNanos();
                long caughtUp = peer.caughtUpNanos();
                for (TcpCall call : peer.calls()) {
                    // Any frame on the connection proves the serving process alive: heartbeats are
                    // per connection.
                    call.checkTimeouts(now, caughtUp, lastRead, settings.ackTimeout(), settings.silenceTimeout());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Checking stream timeouts failed");
        }
    }

    /** Ends the streams of open calls with {@code error} and closes every connection. */
    void closeConnections(StreamError error) {
        for (TcpPeer peer : List.copyOf(peers.values())) {
            List<TcpCall> calls = new ArrayList<>();
            peer.calls().forEach(calls::add);
            for (TcpCall call : calls) {
                call.abandon(error);
            }
            peer.close();
        }
    }

    CompletableFuture<Void> closeClient() {
        return client.close().toCompletionStage().toCompletableFuture();
    }

    /**
     * The connection for a call made on {@code loop}, one of this plane's event loops (an HTTP
     * request's handler in the frontend), or null for any other thread. A loop gets connections of
     * its own: the request frame is written, and the response frames read and handed to the caller,
     * on the thread the call came from, with no hand-off to another loop and back (two wake-ups per
     * unary request when one connection served every loop). Other threads, and event
     * links, share one connection per listener. A connection is opened on first use, on its loop.
     */
    private TcpPeer peer(TcpAddress address, Context loop) {
        // Called on the loop's own thread, which runs exactly one Netty event loop: it names the loop.
        PeerKey key = new PeerKey(address.server(), loop == null ? null : Thread.currentThread());
        TcpPeer existing = peers.get(key);
        if (existing != null) {
            return existing;
        }
        TcpPeer created = new TcpPeer(this, key, address.server(), settings.clock());
        existing = peers.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        if (loop == null) {
            created.connect(client, address.host(), address.port());
        } else {
            // On the loop's own context, not the request's duplicate of it: the connection outlives
            // the request, and Vert.x binds a socket to the context it was opened on.
            loop.runOnContext(v -> created.connect(client, address.host(), address.port()));
        }
        return created;
    }

    /** The event loop context (of this plane's Vert.x) the current thread runs, or null. */
    private Context callingLoop() {
        if (!Context.isOnEventLoopThread()) {
            return null;
        }
        Context current = Vertx.currentContext();
        if (current == null || current.owner() != vertx) {
            return null;
        }
        // A request's handlers run on a duplicate of the loop's context; the root is the loop's own.
        Context root = VertxContext.getRootContext(current);
        return root.isEventLoopContext() ? root : null;
    }

    /**
     * A connection's key: the listener ({@code host:port}) and {@code loop}, the event loop thread
     * whose calls share the connection, or null for all others.
     */
    record PeerKey(String server, Thread loop) {}
}
