package dev.vigil.runtime.transport.support;

import java.util.Objects;
import java.util.concurrent.Executor;

import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.StreamError;

/**
 * The caller's end of one response stream: hands frames to a {@link ResponseObserver} through a
 * {@link SerialExecutor}, so the observer is called one call at a time, in order, and never on the
 * thread that received the frame. Enforces the observer's contract whatever the transport does:
 * any number of data, then exactly one end ({@link #complete} or {@link #error}); nothing after the
 * end, and nothing at all once {@link #silence silenced} (a killed stream).
 *
 * <p>Thread-safe. Frames must be offered in stream order; the transport does that by offering them
 * from one thread at a time (the connection's dispatcher, or under the stream's lock).
 */
public final class ObserverChannel {

    private final ResponseObserver observer;
    private final SerialExecutor serial;
    private boolean ended;
    private volatile boolean silenced;

    public ObserverChannel(ResponseObserver observer, Executor pool) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.serial = new SerialExecutor(pool);
    }

    /** Queues one data frame; ignored after the end. */
    public synchronized void data(byte[] data) {
        if (ended) {
            return;
        }
        serial.execute(() -> {
            if (!silenced) {
                observer.onData(data);
            }
        });
    }

    /** Ends the stream normally; returns whether this call ended it (false if it had ended). */
    public synchronized boolean complete() {
        if (ended) {
            return false;
        }
        ended = true;
        serial.execute(() -> {
            if (!silenced) {
                observer.onComplete();
            }
        });
        return true;
    }

    /** Ends the stream with an error; returns whether this call ended it (false if it had ended). */
    public synchronized boolean error(StreamError error) {
        if (ended) {
            return false;
        }
        ended = true;
        serial.execute(() -> {
            if (!silenced) {
                observer.onError(error);
            }
        });
        return true;
    }

    /**
     * Ends the stream without telling the observer (the caller killed it): queued frames that have
     * not run yet are dropped too. Returns whether this call ended it.
     */
    public synchronized boolean silence() {
        silenced = true;
        boolean wasOpen = !ended;
        ended = true;
        return wasOpen;
    }

    public synchronized boolean ended() {
        return ended;
    }
}
