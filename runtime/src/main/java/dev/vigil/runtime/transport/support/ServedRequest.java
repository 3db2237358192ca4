package dev.vigil.runtime.transport.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.ErrorKind;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RequestHandler;

/**
 * The serving side's bookkeeping for one request, shared by the request planes: numbers the data
 * frames, makes the end happen once, ignores calls after it, and hands control messages to the
 * handler's listeners. A plane subclasses it to put frames on its wire.
 *
 * <p>Frames are emitted under this object's lock, so their order on the wire is the order of the
 * handler's calls even when it calls from several threads. Control listeners run on a serial
 * executor, never on the thread that received the control message, one at a time. A listener
 * registered after a control message arrived still hears it, so a handler that registers late
 * cannot miss a STOP.
 *
 * <p>A KILL ends the request at once (it stops counting as in flight): the caller will read nothing
 * more, so what the handler still sends is dropped.
 */
public abstract class ServedRequest implements IncomingRequest {

    private static final Logger LOG = Logger.getLogger(ServedRequest.class);

    private final String requestId;
    private final byte[] payload;
    private final SerialExecutor listenerQueue;
    private final List<Consumer<Control>> listeners = new ArrayList<>();
    private final List<Control> received = new ArrayList<>(2);
    private long sent;
    private boolean ended;
    private volatile boolean stopped;
    private volatile boolean killed;

    protected ServedRequest(String requestId, byte[] payload, Executor pool) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.listenerQueue = new SerialExecutor(pool);
    }

    @Override
    public final String requestId() {
        return requestId;
    }

    @Override
    public final byte[] payload() {
        return payload;
    }

    @Override
    public final void send(byte[] data) {
        Objects.requireNonNull(data, "data");
        synchronized (this) {
            if (ended) {
                return;
            }
            // The sequence number is used even if the frame cannot be put on the wire, so a lost
            // frame shows as a gap to the caller instead of silently missing data.
            emitData(sent++, data);
        }
    }

    @Override
    public final void complete() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            emitEnd(sent);
        }
        onEnd();
    }

    @Override
    public final void fail(String message) {
        end(message, ErrorKind.REQUEST);
    }

    @Override
    public final void failEngine(String message) {
        end(message, ErrorKind.ENGINE);
    }

    @Override
    public final void failBusy(String message) {
        end(message, ErrorKind.BUSY);
    }

    private void end(String message, ErrorKind kind) {
        String why = message == null || message.isBlank() ? "request failed" : message;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            emitError(sent, why, kind);
        }
        onEnd();
    }

    @Override
    public final boolean stopped() {
        return stopped;
    }

    @Override
    public final boolean killed() {
        return killed;
    }

    @Override
    public final void onControl(Consumer<Control> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            listeners.add(listener);
            for (Control control : received) {
                listenerQueue.execute(() -> listener.accept(control));
            }
        }
    }

    /**
     * The caller sent {@code control} (or went away, which the plane reports as {@link Control#KILL}).
     * At most one STOP and one KILL are passed on; a STOP after a KILL, or anything after the end,
     * is ignored.
     */
    /**
     * Runs {@code handler} on {@code pool} (after the acknowledgement went out). A handler that throws
     * fails the request with the reason; a pool that refuses the task (the plane is closing) kills it.
     */
    public final void dispatch(Executor pool, RequestHandler handler, String subject) {
        try {
            pool.execute(() -> {
                try {
                    handler.handle(this);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Handler of %s failed request %s", subject, requestId());
                    fail("handler failed: " + e);
                }
            });
        } catch (RuntimeException e) {
            if (pool instanceof PlaneExecutor bounded && !bounded.isShutdown()) {
                // Every thread busy and the queue full (counted there): the caller tries another worker.
                failBusy("worker busy: the request plane's queue of tasks is full");
                return;
            }
            control(Control.KILL);
        }
    }

    public final void control(Control control) {
        Objects.requireNonNull(control, "control");
        boolean endsNow = false;
        synchronized (this) {
            if (ended || received.contains(control)) {
                return;
            }
            stopped = true;
            if (control == Control.KILL) {
                killed = true;
                ended = true;
                endsNow = true;
            }
            received.add(control);
            for (Consumer<Control> listener : listeners) {
                listenerQueue.execute(() -> listener.accept(control));
            }
        }
        if (endsNow) {
            onEnd();
        }
    }

    /** Whether the request has ended (completed, failed or killed). */
    public final synchronized boolean ended() {
        return ended;
    }

    /** Puts data frame number {@code seq} (from 0) on the wire. Called under this object's lock. */
    protected abstract void emitData(long seq, byte[] data);

    /** Puts the end frame on the wire; {@code count} data frames were sent. Called under the lock. */
    protected abstract void emitEnd(long count);

    /**
     * Puts the error frame on the wire; {@code count} data frames were sent; {@code engine}: the
     * engine failed, the request may go elsewhere. Called under the lock.
     */
    protected abstract void emitError(long count, String message, ErrorKind kind);

    /** Called once, outside the lock, when the request ends by any means: stop counting it in flight. */
    protected abstract void onEnd();
}
