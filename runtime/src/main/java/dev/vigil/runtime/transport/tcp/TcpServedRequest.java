package dev.vigil.runtime.transport.tcp;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;

import dev.vigil.runtime.transport.ErrorKind;
import dev.vigil.runtime.transport.support.ServedRequest;

/**
 * The serving side of one request on the TCP plane: its frames go back on the connection it came on,
 * as far as the caller's credit allows ({@link TcpWire#INITIAL_WINDOW}, then each {@link
 * TcpWire#CREDIT}). Frames past the credit are held here, in order, with the end behind them, and
 * {@link #writable()} turns false so that the handler pauses its engine; a credit sends what is held
 * and then resumes it. What a request may hold is bounded ({@link #MAX_HELD_BYTES}): a handler that
 * ignores flow control beyond it fails its request instead of growing the worker's memory.
 */
final class TcpServedRequest extends ServedRequest {

    private static final Logger LOG = Logger.getLogger(TcpServedRequest.class);

    /**
     * What one request may hold past its credit: four windows. A paused engine stops within a token
     * or, for an HTTP engine, within one read of its response, far below this.
     */
    static final int MAX_HELD_BYTES = 4 * TcpWire.INITIAL_WINDOW;

    /** A frame waiting for credit; {@code dataBytes} is 0 for the end frame, which needs none. */
    private record Held(Buffer frame, int dataBytes) {}

    private final TcpServerConnection connection;
    private final TcpEndpoint endpoint;
    private final long stream;

    /** Guarded by this: credit left, frames held for want of it, and the paused handler's resume. */
    private long credit = TcpWire.INITIAL_WINDOW;

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long heldBytes;
    private Runnable resume;
    /** The request ended while frames were held: it stops counting once they went (or were dropped). */
    private boolean endDeferred;

    private boolean released;
    /** Data frames put on the connection so far (the count an error frame must carry). */
    private long written;

    TcpServedRequest(
            TcpServerConnection connection,
            TcpEndpoint endpoint,
            long stream,
            String requestId,
            byte[] payload,
            Executor pool) {
        super(requestId, payload, pool);
        this.connection = connection;
        this.endpoint = endpoint;
        this.stream = stream;
    }

    long stream() {
        return stream;
    }

    TcpEndpoint endpoint() {
        return endpoint;
    }

    synchronized void acknowledge() {
        connection.write(TcpWire.control(TcpWire.ACK, stream));
    }

    @Override
    public synchronized boolean writable() {
        return held.isEmpty() && credit > 0;
    }

    @Override
    public void onWritable(Runnable listener) {
        synchronized (this) {
            if (!released && !writable()) {
                resume = listener;
                return;
            }
        }
        listener.run();
    }

    /** The caller took {@code bytes} more: send what is held while credit lasts, then resume the handler. */
    void credit(long bytes) {
        Runnable toResume = null;
        boolean finished = false;
        synchronized (this) {
            if (released) {
                return;
            }
            credit += bytes;
            while (!held.isEmpty() && (credit > 0 || held.peekFirst().dataBytes() == 0)) {
                Held next = held.pollFirst();
                heldBytes -= next.dataBytes();
                if (next.dataBytes() > 0) {
                    written++;
                }
                credit -= next.dataBytes();
                connection.write(next.frame());
            }
            if (held.isEmpty()) {
                if (endDeferred) {
                    finished = true;
                } else if (credit > 0) {
                    toResume = resume;
                    resume = null;
                }
            }
        }
        // Outside the lock: resuming takes the engine's lock, which is held around send().
        if (toResume != null) {
            toResume.run();
        }
        if (finished) {
            release();
        }
    }

    /**
     * The caller killed the request or went away: what is held will never be read. Ends a request
     * whose end was waiting behind held frames.
     */
    void dropHeld() {
        boolean finished;
        Runnable toResume;
        synchronized (this) {
            held.clear();
            heldBytes = 0;
            finished = endDeferred;
            toResume = resume;
            resume = null;
        }
        if (toResume != null) {
            // A paused engine learns of the kill through the control listener; resuming lets it end.
            toResume.run();
        }
        if (finished) {
            release();
        }
    }

    @Override
    protected void emitData(long seq, byte[] data) {
        Buffer frame = TcpWire.data(stream, seq, data);
        if (held.isEmpty() && credit > 0) {
            credit -= data.length;
            written++;
            connection.write(frame);
            return;
        }
        if (heldBytes + data.length > MAX_HELD_BYTES) {
            overflow();
            return;
        }
        held.addLast(new Held(frame, data.length));
        heldBytes += data.length;
    }

    @Override
    protected void emitEnd(long count) {
        emitLast(TcpWire.end(TcpWire.END, stream, count, null));
    }

    @Override
    protected void emitError(long count, String message, ErrorKind kind) {
        emitLast(TcpWire.end(TcpWire.errorFrame(kind), stream, count, message));
    }

    private void emitLast(Buffer frame) {
        if (held.isEmpty()) {
            connection.write(frame);
        } else {
            held.addLast(new Held(frame, 0));
        }
    }

    /**
     * The handler sent past {@link #MAX_HELD_BYTES} while the caller took nothing: it ignored flow
     * control. The caller is told (an error after the frames it was sent) and the request is killed.
     */
    private void overflow() {
        LOG.warnf(
                "Request %s: its handler sent %d bytes past the caller's credit without pausing; failing it",
                requestId(), heldBytes);
        held.clear();
        heldBytes = 0;
        connection.write(TcpWire.end(
                TcpWire.ERROR,
                stream,
                written,
                "the worker's engine sent more than " + MAX_HELD_BYTES
                        + " bytes that the caller had not asked for (flow control ignored)"));
        control(dev.vigil.runtime.transport.Control.KILL);
    }

    @Override
    protected void onEnd() {
        synchronized (this) {
            if (!held.isEmpty() && !killed()) {
                // Completed or failed with frames still waiting for credit: the end goes out after them.
                endDeferred = true;
                return;
            }
            held.clear();
            heldBytes = 0;
        }
        release();
    }

    private void release() {
        Runnable toResume;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            toResume = resume;
            resume = null;
        }
        connection.ended(this);
        endpoint.ended();
        if (toResume != null) {
            toResume.run();
        }
    }
}
