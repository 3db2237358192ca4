package dev.vigil.runtime.transport.support;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jboss.logging.Logger;

/**
 * Runs its tasks one at a time, in the order they were submitted, on a shared executor. One per
 * stream (or subscription): that stream's callbacks never overlap and never reorder, while a slow
 * callback holds only its own stream, not the thread that received the frame nor other streams.
 */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialExecutor.class);

    /**
     * Tasks one stream or subscription may have waiting: a subscription's handler that stopped
     * keeping up with its publishers refuses events past this instead of growing without bound.
     */
    public static final int MAX_QUEUED = 1024;

    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * Queues {@code task} behind the others; throws {@link RejectedExecutionException} when {@link
     * #MAX_QUEUED} wait already (the task is not run). Tasks refused by a full shared pool wait here
     * and go at the next {@code execute}; refused by a closed pool they are dropped.
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (this) {
            if (tasks.size() >= MAX_QUEUED) {
                throw new RejectedExecutionException(MAX_QUEUED + " tasks already wait here");
            }
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running = false;
                if (pool instanceof PlaneExecutor bounded && !bounded.isShutdown()) {
                    // The shared pool is full: the tasks wait here, in order, for the next try.
                    return;
                }
                // The pool is shut down (the plane is closing): nothing will run these any more.
                tasks.clear();
            }
            LOG.debugf("Dropped callbacks, executor refused them: %s", e);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                // A failing callback must not stop the ones queued behind it.
                LOG.warnf(e, "Callback failed: %s", e);
            }
        }
    }
}
