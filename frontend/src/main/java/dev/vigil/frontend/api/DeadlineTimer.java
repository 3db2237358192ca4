package dev.vigil.frontend.api;

import java.time.Duration;

import io.vertx.core.Vertx;

import dev.vigil.runtime.time.Clock;

/**
 * A request's deadline: the instant (on the injectable {@link Clock}) past which it is over, and the
 * one timer that ends it then. The timer checks the clock when it fires and re-arms for what is
 * left, so time is what the clock says, not what the timer thought; it fires at most once.
 */
final class DeadlineTimer {

    /** Where the timer runs: Vert.x's timers in production, a hand-driven one in tests. */
    interface Timers {
        long set(long delayMs, Runnable task);

        void cancel(long id);

        static Timers of(Vertx vertx) {
            return new Timers() {
                @Override
                public long set(long delayMs, Runnable task) {
                    return vertx.setTimer(delayMs, id -> task.run());
                }

                @Override
                public void cancel(long id) {
                    vertx.cancelTimer(id);
                }
            };
        }
    }

    /** No deadline: never armed, never passed. */
    static final DeadlineTimer NONE = new DeadlineTimer(Clock.SYSTEM, 0, Duration.ZERO);

    private final Clock clock;
    private final long expiresAtNanos;
    private final Duration timeout;
    private Timers timers;
    private Runnable onExpiry;
    private long timer = -1;
    private boolean done;

    private DeadlineTimer(Clock clock, long startNanos, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
        this.expiresAtNanos = startNanos + timeout.toNanos();
    }

    /** The deadline {@code timeout} after {@code startNanos} (a {@link Clock#nanoTime()}); zero: none. */
    static DeadlineTimer after(Clock clock, long startNanos, Duration timeout) {
        return timeout.isZero() ? NONE : new DeadlineTimer(clock, startNanos, timeout);
    }

    Duration timeout() {
        return timeout;
    }

    /** Whether the deadline has passed, however late its timer is. */
    boolean passed() {
        return this != NONE && clock.nanoTime() - expiresAtNanos >= 0;
    }

    /** Runs {@code onExpiry} once, on {@code timers}, when the deadline passes, unless cancelled first. */
    synchronized void arm(Timers timers, Runnable onExpiry) {
        if (this == NONE || done) {
            return;
        }
        this.timers = timers;
        this.onExpiry = onExpiry;
        schedule();
    }

    /** The request ended: its timer goes, so it holds nothing until the deadline. */
    synchronized void cancel() {
        if (this == NONE) {
            return;
        }
        done = true;
        if (timer >= 0) {
            timers.cancel(timer);
            timer = -1;
        }
    }

    private void schedule() {
        long leftNanos = expiresAtNanos - clock.nanoTime();
        timer = timers.set(Math.max(1, leftNanos / 1_000_000 + (leftNanos % 1_000_000 > 0 ? 1 : 0)), this::fired);
    }

    private void fired() {
        synchronized (this) {
            if (done) {
                return;
            }
            if (!passed()) {
                schedule();
                return;
            }
            done = true;
            timer = -1;
        }
        onExpiry.run();
    }
}
