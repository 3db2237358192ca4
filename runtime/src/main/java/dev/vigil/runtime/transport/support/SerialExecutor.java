package dev.vigil.runtime.transport.support;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

/**
 * Runs its tasks one at a time, in the order they were submitted, on a shared executor. One per
 * stream (or subscription): that stream's callbacks never overlap and never reorder, while a slow
 * callback holds only its own stream, not the thread that received the frame nor other streams.
 */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RuntimeException e) {
            // The pool is shut down (the plane is closing): nothing will run these any more.
            synchronized (this) {
                tasks.clear();
                running = false;
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
