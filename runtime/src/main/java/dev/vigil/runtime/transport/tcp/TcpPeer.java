package dev.vigil.runtime.transport.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

/**
 * One of the calling side's connections to one listener ({@code host:port}): the one of an event
 * loop, whose calls to any endpoint of that process are streams on it, or the one shared by other
 * threads, which also carries the process's event subscriptions ({@link TcpRequestPlane.PeerKey}).
 * Created on first use; frames sent while it is still connecting wait, in order, and go out once it
 * is open. When it closes (the process died, the listener closed, the network reset it) every stream
 * on it ends at once and the plane forgets it, so the next call opens a new one.
 */
final class TcpPeer {

    private static final Logger LOG = Logger.getLogger(TcpPeer.class);

    private final TcpRequestPlane plane;
    private final TcpRequestPlane.PeerKey key;
    private final String server;
    private final Map<Long, TcpCall> calls = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> subscriptions = new ConcurrentHashMap<>();
    /** Guarded by this: the socket once open; frames queued until then; whether it is gone. */
    private NetSocket socket;

    private List<Buffer> pending = new ArrayList<>();
    private boolean closed;
    private volatile long lastReadNanos = System.nanoTime();

    TcpPeer(TcpRequestPlane plane, TcpRequestPlane.PeerKey key, String server) {
        this.plane = plane;
        this.key = key;
        this.server = server;
    }

    TcpRequestPlane.PeerKey key() {
        return key;
    }

    String server() {
        return server;
    }

    long lastReadNanos() {
        return lastReadNanos;
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
        lastReadNanos = System.nanoTime();
        byte kind = TcpWire.kind(frame);
        long stream = TcpWire.stream(frame);
        switch (kind) {
            case TcpWire.HEARTBEAT -> {
                // Proof of life for every stream on this connection: recorded above.
            }
            case TcpWire.EVENT -> plane.deliverEvent(stream, frame);
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
        plane.forget(this);
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
