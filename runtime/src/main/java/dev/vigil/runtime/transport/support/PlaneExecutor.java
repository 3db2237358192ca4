package dev.vigil.runtime.transport.support;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.time.Clock;

/**
 * The threads a request plane runs its request handlers, response callbacks and event handlers on,
 * bounded twice: a fixed number of threads, and a bounded queue of tasks waiting for one. What runs
 * here never blocks (a handler hands the request to its engine, a callback hands a frame to an
 * event loop or writes it), so a few threads per core serve any load; what a client can drive is the
 * number of tasks, and each stream has at most one waiting ({@link ObserverChannel}'s pump, a served
 * request's start). A task refused because the queue is full is counted ({@link #rejected}) and the
 * caller answers for it: a served request is answered busy, so its caller tries another worker.
 */
public final class PlaneExecutor implements Executor {

    /** Threads: at least 4, two per core (the work never blocks, but a GC or a slow callback may). */
    public static final int DEFAULT_THREADS =
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    /** Tasks waiting for a thread: one per stream at most, so far more than a process serves at once. */
    public static final int DEFAULT_QUEUE = 16_384;

    private static final Logger LOG = Logger.getLogger(PlaneExecutor.class);

    /** At most one warning in this long: a full queue refuses many tasks at once. */
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final int queueBound;
    private final ThreadPoolExecutor pool;
    private final AtomicLong rejected = new AtomicLong();
    /** What the warnings about a full queue are spaced out with. */
    private final Clock clock;

    private final AtomicLong lastWarnNanos;

    public PlaneExecutor(String name) {
        this(name, Clock.SYSTEM);
    }

    public PlaneExecutor(String name, Clock clock) {
        this(name, DEFAULT_THREADS, DEFAULT_QUEUE, clock);
    }

    public PlaneExecutor(String name, int threads, int queueBound) {
        this(name, threads, queueBound, Clock.SYSTEM);
    }

    public PlaneExecutor(String name, int threads, int queueBound, Clock clock) {
        if (threads <= 0 || queueBound <= 0) {
            throw new IllegalArgumentException(
                    "threads and queueBound must be positive, got " + threads + " and " + queueBound);
        }
        this.name = name;
        this.queueBound = queueBound;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastWarnNanos = new AtomicLong(clock.nanoTime() - WARN_EVERY_NANOS);
        // Threads end after 30 s idle: an idle plane (a test's, a frontend's with no NATS traffic)
        // holds none.
        this.pool = new ThreadPoolExecutor(
                threads,
                threads,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueBound),
                Threads.numbered(name + "-"),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code task} on one of the threads; throws {@link RejectedExecutionException} when the
     * plane is closed ({@link #isShutdown}) or the queue is full (counted in {@link #rejected}).
     */
    @Override
    public void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            if (pool.isShutdown()) {
                throw e;
            }
            rejected.incrementAndGet();
            long now = clock.nanoTime();
            long last = lastWarnNanos.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarnNanos.compareAndSet(last, now)) {
                LOG.warnf(
                        "%s: %d tasks wait for a thread, the bound; refusing work (%d refused so far)",
                        name, queueBound, rejected.get());
            }
            throw e;
        }
    }

    /** Counts a task refused elsewhere for the same reason (a subscription's own queue was full). */
    public void countRejected() {
        rejected.incrementAndGet();
    }

    /** Tasks refused because the queue was full (not those refused after shutdown). */
    public long rejected() {
        return rejected.get();
    }

    /** Whether a refusal now is because the plane closed, not because the queue is full. */
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    public void shutdown() {
        pool.shutdown();
    }

    public void shutdownNow() {
        pool.shutdownNow();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }
}
