package dev.vigil.runtime.transport.tcp;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.support.Subjects;

/**
 * The serving side of one caller's connection: the requests it carries and the event subscriptions it
 * asked for. When it closes (the caller died, closed its plane, or the network cut it) every request
 * it carried is killed, as a caller that went away is on the NATS plane.
 */
final class TcpServerConnection {

    private static final Logger LOG = Logger.getLogger(TcpServerConnection.class);

    private final TcpServing plane;
    private final NetSocket socket;
    private final Map<Long, TcpServedRequest> requests = new ConcurrentHashMap<>();
    private final Map<Long, String> subscriptions = new ConcurrentHashMap<>();
    /** The connection's event loop: every write to the socket happens there, batched. */
    private final Context context;
    /** Frames written by handler threads, waiting for the next batch. */
    private final Queue<Buffer> outbox = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private volatile boolean closed;

    TcpServerConnection(TcpServing plane, NetSocket socket) {
        this.plane = plane;
        this.socket = socket;
        // Created by the listener's connect handler, which runs on the connection's event loop.
        this.context = Vertx.currentContext();
        socket.handler(new FrameParser(this::onFrame, bad -> {
            LOG.warnf("Closing a connection from %s: %s", socket.remoteAddress(), bad);
            socket.close();
        }));
        socket.closeHandler(ignored -> closed());
        socket.exceptionHandler(e -> LOG.debugf("Connection from %s: %s", socket.remoteAddress(), e.toString()));
    }

    /**
     * Queues one frame. Frames come from many handler threads; writing each to the socket on its
     * own would cost an event-loop wake-up, a flush and a packet per token. Instead the frames
     * queued meanwhile go out as one write on the event loop, in the order they were queued (a
     * request's frames are queued under its lock, so their order is the handler's).
     */
    void write(Buffer frame) {
        if (closed) {
            return;
        }
        outbox.add(frame);
        if (flushScheduled.compareAndSet(false, true)) {
            context.runOnContext(ignored -> flush());
        }
    }

    private void flush() {
        flushScheduled.set(false);
        Buffer batch = outbox.poll();
        if (batch == null) {
            return;
        }
        Buffer next;
        while ((next = outbox.poll()) != null) {
            batch.appendBuffer(next);
        }
        socket.write(batch);
    }

    boolean isClosed() {
        return closed;
    }

    /** Registers a request accepted on this connection; false if the connection closed meanwhile. */
    boolean carry(TcpServedRequest request) {
        requests.put(request.stream(), request);
        if (closed) {
            requests.remove(request.stream(), request);
            return false;
        }
        return true;
    }

    void ended(TcpServedRequest request) {
        requests.remove(request.stream(), request);
    }

    /** Proof of life for the caller's streams, sent only while there are some. */
    void heartbeat() {
        if (!requests.isEmpty()) {
            write(TcpWire.control(TcpWire.HEARTBEAT, 0));
        }
    }

    /** Sends the event to each of this caller's subscriptions it matches. */
    void publish(String subject, byte[] payload) {
        for (Map.Entry<Long, String> subscription : subscriptions.entrySet()) {
            if (Subjects.matches(subscription.getValue(), subject)) {
                write(TcpWire.event(subscription.getKey(), subject, payload));
            }
        }
    }

    Iterable<TcpServedRequest> requests() {
        return requests.values();
    }

    void close() {
        socket.close();
    }

    private void onFrame(Buffer frame) {
        byte kind = TcpWire.kind(frame);
        long stream = TcpWire.stream(frame);
        switch (kind) {
            case TcpWire.REQUEST -> {
                int[] next = new int[1];
                String key = TcpWire.string(frame, 0, next);
                String requestId = TcpWire.string(frame, next[0], next);
                plane.accept(this, stream, key, requestId, TcpWire.rest(frame, next[0]));
            }
            case TcpWire.STOP, TcpWire.KILL -> {
                TcpServedRequest request = requests.get(stream);
                if (request != null) {
                    Control control = kind == TcpWire.STOP ? Control.STOP : Control.KILL;
                    LOG.debugf("Request %s: caller asked to %s", request.requestId(), control);
                    request.control(control);
                    if (control == Control.KILL) {
                        // An ended request whose end waited for credit: the caller will not read it.
                        request.dropHeld();
                    }
                }
            }
            case TcpWire.CREDIT -> {
                TcpServedRequest request = requests.get(stream);
                if (request != null) {
                    request.credit(TcpWire.number(frame));
                }
            }
            case TcpWire.SUBSCRIBE -> {
                subscriptions.put(stream, TcpWire.text(frame, 0));
                write(TcpWire.control(TcpWire.SUBSCRIBED, stream));
            }
            case TcpWire.UNSUBSCRIBE -> subscriptions.remove(stream);
            default -> LOG.debugf("Ignored a frame of unknown kind %d from %s", kind, socket.remoteAddress());
        }
    }

    private void closed() {
        closed = true;
        plane.disconnected(this);
        subscriptions.clear();
        List<TcpServedRequest> open = List.copyOf(requests.values());
        if (!open.isEmpty()) {
            LOG.debugf("Caller at %s went away: killing its %d requests", socket.remoteAddress(), open.size());
        }
        for (TcpServedRequest request : open) {
            request.control(Control.KILL);
            request.dropHeld();
        }
    }
}
