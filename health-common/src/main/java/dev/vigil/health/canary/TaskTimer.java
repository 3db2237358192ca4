package dev.vigil.health.canary;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * The clock and the delayed tasks the canary runs on. A port rather than a {@link
 * ScheduledExecutorService} so that tests can move time by hand and see every schedule decision
 * without waiting for it.
 */
public interface TaskTimer {

    /** Now, in {@link System#nanoTime()} terms: only differences mean anything. */
    long nanoTime();

    /** Runs {@code task} once after {@code delayNanos} (0 or less: as soon as possible). */
    Scheduled schedule(Runnable task, long delayNanos);

    /** A task that has not run yet. */
    interface Scheduled {

        /** The task will not run, unless it is already running. Idempotent. */
        void cancel();
    }

    /** Runs tasks on {@code executor}; a task that throws is logged, not lost silently. */
    static TaskTimer of(ScheduledExecutorService executor) {
        return of(executor, System::nanoTime);
    }

    /**
     * As {@link #of(ScheduledExecutorService)}, with now read from {@code nanoClock} (monotonic
     * nanoseconds; an app passes its clock's). The executor's delays are real time either way.
     */
    static TaskTimer of(ScheduledExecutorService executor, LongSupplier nanoClock) {
        Logger log = Logger.getLogger(TaskTimer.class);
        return new TaskTimer() {
            @Override
            public long nanoTime() {
                return nanoClock.getAsLong();
            }

            @Override
            public Scheduled schedule(Runnable task, long delayNanos) {
                try {
                    ScheduledFuture<?> future = executor.schedule(
                            () -> {
                                try {
                                    task.run();
                                } catch (RuntimeException e) {
                                    // A scheduled executor swallows the exception with the task.
                                    log.error("Health check task failed", e);
                                }
                            },
                            Math.max(0, delayNanos),
                            TimeUnit.NANOSECONDS);
                    return () -> future.cancel(false);
                } catch (RejectedExecutionException shutDown) {
                    // The process is stopping: nothing is scheduled any more.
                    return () -> {};
                }
            }
        };
    }
}
