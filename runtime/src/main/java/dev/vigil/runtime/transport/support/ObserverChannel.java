package dev.vigil.runtime.transport.support;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.StreamError;

/**
 * The caller's end of one response stream: hands frames to a {@link ResponseObserver} on a shared
 * executor, so the observer is called one call at a time, in order, and never on the thread that
 * received the frame. Enforces the observer's contract whatever the transport does: any number of
 * data, then exactly one end ({@link #complete} or {@link #error}); nothing after the end, and
 * nothing at all once {@link #silence silenced} (a killed stream).
 *
 * <p>Flow control: while {@link #pause paused} (the caller's client stopped reading) data is held
 * here instead of delivered, and so is whatever comes behind it. What one stream holds, paused or
 * waiting for its turn on the executor, is bounded ({@link #maxHeldBytes}): a frame that would take
 * it past the bound ends the stream with {@link StreamError.CallerTooSlow}, and {@link #data} says
 * so, so the transport can tell the worker to drop the request. On the TCP plane the worker only
 * sends what the caller granted ({@link #onConsumed}), so the bound is never reached there; on the
 * NATS plane, which has no credit, it is what keeps a client that does not read from growing the
 * caller's memory.
 *
 * <p>Thread-safe. Frames must be offered in stream order; the transport does that by offering them
 * from one thread at a time (the connection's dispatcher, or under the stream's lock).
 */
public final class ObserverChannel {

    /** What one stream may hold for its observer unless the plane says otherwise: 256 KiB. */
    public static final int DEFAULT_MAX_HELD_BYTES = 256 * 1024;

    private static final Logger LOG = Logger.getLogger(ObserverChannel.class);

    /** The most items one delivery task hands over before it yields the executor. */
    static final int BATCH = 32;

    /** The end of the stream, queued behind its data. */
    private record End(StreamError error) {}

    private final ResponseObserver observer;
    private final Executor pool;
    private final int maxHeldBytes;
    /** What every stream of the plane holds, for its gauge; this channel adds and removes its share. */
    private final AtomicLong planeHeld;
    /** Guarded by this: data ({@code byte[]}) and at most one {@link End}, in stream order. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();

    private long heldBytes;
    private boolean ended;
    private boolean paused;
    /** A delivery task is scheduled or running: at most one, which is what keeps calls serial. */
    private boolean pumping;

    private volatile boolean silenced;
    private volatile IntConsumer consumed = bytes -> {};

    public ObserverChannel(ResponseObserver observer, Executor pool) {
        this(observer, pool, DEFAULT_MAX_HELD_BYTES, new AtomicLong());
    }

    /**
     * @param maxHeldBytes the most this stream may hold for its observer
     * @param planeHeld the plane's total of bytes held by its streams, kept up to date by this one
     */
    public ObserverChannel(ResponseObserver observer, Executor pool, int maxHeldBytes, AtomicLong planeHeld) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.planeHeld = Objects.requireNonNull(planeHeld, "planeHeld");
        if (maxHeldBytes <= 0) {
            throw new IllegalArgumentException("maxHeldBytes must be positive, got " + maxHeldBytes);
        }
        this.maxHeldBytes = maxHeldBytes;
    }

    /** The most this stream holds for its observer before it is ended as too slow. */
    public int maxHeldBytes() {
        return maxHeldBytes;
    }

    /**
     * Called, on the delivering thread, with the size of each data frame the observer has taken:
     * the TCP plane grants the worker that much credit again.
     */
    public void onConsumed(IntConsumer listener) {
        this.consumed = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Queues one data frame; ignored after the end. Returns false when the frame would take what the
     * stream holds past its bound: the stream then ends with {@link StreamError.CallerTooSlow}
     * (data still held is dropped), and the transport should tell the worker to drop the request.
     */
    public synchronized boolean data(byte[] data) {
        if (ended) {
            return true;
        }
        // A single frame larger than the bound still passes when nothing is held: it is the
        // worker's frame size, not a client that stopped reading.
        if (heldBytes > 0 && heldBytes + data.length > maxHeldBytes) {
            long held = heldBytes;
            dropHeld();
            ended = true;
            enqueue(new End(new StreamError.CallerTooSlow("the client did not read the stream: " + held
                    + " bytes held, and one stream may hold at most " + maxHeldBytes)));
            return false;
        }
        held(data.length);
        enqueue(data);
        return true;
    }

    /** Ends the stream normally; returns whether this call ended it (false if it had ended). */
    public synchronized boolean complete() {
        if (ended) {
            return false;
        }
        ended = true;
        enqueue(new End(null));
        return true;
    }

    /** Ends the stream with an error; returns whether this call ended it (false if it had ended). */
    public synchronized boolean error(StreamError error) {
        if (ended) {
            return false;
        }
        ended = true;
        enqueue(new End(Objects.requireNonNull(error, "error")));
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
        dropHeld();
        return wasOpen;
    }

    public synchronized boolean ended() {
        return ended;
    }

    /** Stops delivering data (the end still comes once the data before it went). */
    public synchronized void pause() {
        paused = true;
    }

    /** Delivers again what was held, and what comes. */
    public synchronized void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        schedule();
    }

    public synchronized boolean paused() {
        return paused;
    }

    /** Bytes of data received and not yet taken by the observer. */
    public synchronized long heldBytes() {
        return heldBytes;
    }

    private void enqueue(Object item) {
        queue.add(item);
        schedule();
    }

    private void dropHeld() {
        queue.removeIf(item -> item instanceof byte[]);
        held(-heldBytes);
    }

    private void held(long delta) {
        heldBytes += delta;
        planeHeld.addAndGet(delta);
    }

    /** Starts a delivery task if there is something deliverable and none runs. Under the lock. */
    private void schedule() {
        if (pumping || queue.isEmpty() || (paused && queue.peekFirst() instanceof byte[])) {
            return;
        }
        pumping = true;
        try {
            pool.execute(this::pump);
        } catch (RuntimeException e) {
            pumping = false;
            if (pool instanceof PlaneExecutor bounded && !bounded.isShutdown()) {
                // The plane's pool is full (counted there): what is queued waits here, bounded as
                // ever, and the next frame, end or resume tries again; a stream that gets none ends
                // by the caller's own timeout.
                return;
            }
            // The executor is shut down (the plane is closing): nothing will run these any more.
            dropHeld();
            queue.clear();
            LOG.debugf("Dropped callbacks, executor refused them: %s", e);
        }
    }

    /**
     * Delivers queued items in order until the queue is empty or paused before data, at most {@link
     * #BATCH} of them per task: the executor is usually an event loop that also reads the plane's
     * connections, and Netty looks at the clock only every 64 tasks, so one task that wrote a whole
     * window of tokens to its client, times 64, starved the loop's reads past the silence timeout
     * (seen: 32 healthy streams "disconnected" at once when 32 clients started at full speed).
     */
    private void pump() {
        int delivered = 0;
        while (true) {
            Object next;
            synchronized (this) {
                if (delivered == BATCH) {
                    // Yield to what else the executor has to do; the rest comes in the next task.
                    pumping = false;
                    schedule();
                    break;
                }
                next = queue.peekFirst();
                if (silenced || next == null || (paused && next instanceof byte[])) {
                    pumping = false;
                    if (silenced) {
                        dropHeld();
                        queue.clear();
                        return;
                    }
                    break;
                }
                queue.pollFirst();
                if (next instanceof byte[] data) {
                    held(-data.length);
                }
            }
            delivered++;
            try {
                if (next instanceof byte[] data) {
                    observer.onData(data);
                    consumed.accept(data.length);
                } else if (((End) next).error() == null) {
                    observer.onComplete();
                } else {
                    observer.onError(((End) next).error());
                }
            } catch (RuntimeException | Error e) {
                // A failing callback must not stop the ones queued behind it.
                LOG.warnf(e, "Callback failed: %s", e);
            }
        }
        if (delivered > 0) {
            try {
                observer.onCaughtUp();
            } catch (RuntimeException | Error e) {
                LOG.warnf(e, "Callback failed: %s", e);
            }
        }
    }
}
