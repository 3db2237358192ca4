package dev.vigil.runtime.transport.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import dev.vigil.runtime.time.Clock;

/**
 * One of the calling side's connections to one listener ({@code host:port}): the one of an event
 * loop, whose calls to any endpoint of that process are streams on it, or the one shared by other
 * threads, which also carries the process's event subscriptions ({@link TcpCalls.PeerKey}).
 * Created on first use; frames sent while it is still connecting wait, in order, and go out once it
 * is open. When it closes (the process died, the listener closed, the network reset it) every stream
 * on it ends at once and the plane forgets it, so the next call opens a new one.
 */
final class TcpPeer {

    private static final Logger LOG = Logger.getLogger(TcpPeer.class);

    /** The calling side this connection is one of. */
    private final TcpCalls owner;

    private final Clock clock;
    private final TcpCalls.PeerKey key;
    private final String server;
    private final Map<Long, TcpCall> calls = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> subscriptions = new ConcurrentHashMap<>();
    /** Guarded by this: the socket once open; frames queued until then; whether it is gone. */
    private NetSocket socket;

    private List<Buffer> pending = new ArrayList<>();
    private boolean closed;
    private volatile long lastReadNanos;

    /** No probe of the loop is waiting ({@link #loopLagNanos}). */
    private static final long NO_PROBE = Long.MIN_VALUE;

    /** The event loop that reads this connection, once open. */
    private volatile Context loop;
    /** When the probe now waiting on {@link #loop} was posted, or {@link #NO_PROBE}. */
    private final AtomicLong probePostedNanos = new AtomicLong(NO_PROBE);
    /**
     * When the loop last caught up after lagging: silence before that is the caller's own (the loop
     * did not read), not the server's.
     */
    private volatile long caughtUpNanos;

    TcpPeer(TcpCalls owner, TcpCalls.PeerKey key, String server, Clock clock) {
        this.owner = owner;
        this.clock = clock;
        this.lastReadNanos = clock.nanoTime();
        this.caughtUpNanos = lastReadNanos;
        this.key = key;
        this.server = server;
    }

    TcpCalls.PeerKey key() {
        return key;
    }

    String server() {
        return server;
    }

    long lastReadNanos() {
        return lastReadNanos;
    }

    /**
     * How far behind the loop that reads this connection is: how long the probe task posted to it
     * has waited, 0 if it ran. Posts a probe when none waits. A caller whose own loop is busy (a
     * burst of streams to write to their clients, a long GC) reads nothing meanwhile, so the
     * servers' heartbeats pile up unread: a stream must not be declared silent for that.
     */
    long loopLagNanos(long nowNanos, long tolerableNanos) {
        Context reader = loop;
        if (reader == null) {
            return 0;
        }
        long posted = probePostedNanos.get();
        if (posted != NO_PROBE) {
            return nowNanos - posted;
        }
        if (probePostedNanos.compareAndSet(NO_PROBE, nowNanos)) {
            reader.runOnContext(ignored -> probed(nowNanos, tolerableNanos));
        }
        return 0;
    }

    /** The time from which this connection's silence is the server's: after the loop last caught up. */
    long caughtUpNanos() {
        return caughtUpNanos;
    }

    private void probed(long postedNanos, long tolerableNanos) {
        long ran = clock.nanoTime();
        long lag = ran - postedNanos;
        if (lag > tolerableNanos) {
            // The reads of this loop were as late as its tasks: heartbeats may still be unread.
            caughtUpNanos = ran;
            LOG.debugf("The event loop reading the connection to %s was %d ms behind", server, lag / 1_000_000);
        }
        probePostedNanos.set(NO_PROBE);
    }

    Iterable<TcpCall> calls() {
        return calls.values();
    }

    void connect(NetClient client, String host, int port) {
        client.connect(port, host).onComplete(result -> {
            if (result.succeeded()) {
                opened(result.result());
            } else {
                lost("cannot connect to " + server + ": " + result.cause().getMessage());
            }
        });
    }

    /** Starts a call on this connection; false when the connection is already gone. */
    boolean start(TcpCall call, Buffer request) {
        calls.put(call.stream(), call);
        if (!send(request)) {
            calls.remove(call.stream(), call);
            return false;
        }
        return true;
    }

    /** Queues or writes one frame; false when the connection is gone. */
    synchronized boolean send(Buffer frame) {
        if (closed) {
            return false;
        }
        if (socket == null) {
            pending.add(frame);
        } else {
            socket.write(frame);
        }
        return true;
    }

    void forget(TcpCall call) {
        calls.remove(call.stream(), call);
    }

    /** Sends a subscription once per connection; completes when the server confirmed it. */
    CompletableFuture<Void> subscribe(long id, String pattern) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        CompletableFuture<Void> earlier = subscriptions.putIfAbsent(id, confirmed);
        if (earlier != null) {
            return earlier;
        }
        if (!send(TcpWire.subscribe(id, pattern))) {
            confirmed.completeExceptionally(new IllegalStateException("connection to " + server + " closed"));
        }
        return confirmed;
    }

    void unsubscribe(long id) {
        if (subscriptions.remove(id) != null) {
            send(TcpWire.control(TcpWire.UNSUBSCRIBE, id));
        }
    }

    void close() {
        NetSocket open;
        synchronized (this) {
            open = socket;
        }
        if (open != null) {
            open.close();
        }
        lost("request plane closed");
    }

    private void opened(NetSocket opened) {
        // Called on the context the socket is bound to: the loop that reads it.
        loop = Vertx.currentContext();
        opened.handler(new FrameParser(this::onFrame, bad -> {
            LOG.warnf("Closing the connection to %s: %s", server, bad);
            opened.close();
        }));
        opened.closeHandler(ignored -> lost("connection to " + server + " closed"));
        opened.exceptionHandler(e -> LOG.debugf("Connection to %s: %s", server, e.toString()));
        List<Buffer> queued;
        synchronized (this) {
            if (closed) {
                opened.close();
                return;
            }
            socket = opened;
            queued = pending;
            pending = null;
            // Written under the lock, so nothing sent meanwhile can overtake them.
            queued.forEach(opened::write);
        }
        LOG.debugf("Connected to %s", server);
    }

    private void onFrame(Buffer frame) {
        lastReadNanos = clock.nanoTime();
        byte kind = TcpWire.kind(frame);
        long stream = TcpWire.stream(frame);
        switch (kind) {
            case TcpWire.HEARTBEAT -> {
                // Proof of life for every stream on this connection: recorded above.
            }
            case TcpWire.EVENT -> owner.deliverEvent(stream, frame);
            case TcpWire.SUBSCRIBED -> {
                CompletableFuture<Void> confirmed = subscriptions.get(stream);
                if (confirmed != null) {
                    confirmed.complete(null);
                }
            }
            default -> {
                TcpCall call = calls.get(stream);
                if (call != null) {
                    call.onFrame(kind, frame);
                } else if (kind == TcpWire.ACK || kind == TcpWire.DATA) {
                    // A server still works on a call we gave up on: tell it to stop wasting work.
                    send(TcpWire.control(TcpWire.KILL, stream));
                }
            }
        }
    }

    /** The connection is gone (or never came): end every stream on it, once. */
    private void lost(String why) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending = null;
        }
        owner.forget(this);
        LOG.debugf("Connection to %s lost: %s", server, why);
        for (TcpCall call : List.copyOf(calls.values())) {
            call.connectionLost(why);
        }
        calls.clear();
        subscriptions
                .values()
                .forEach(s -> s.completeExceptionally(new IllegalStateException("connection to " + server + " lost")));
    }
}
