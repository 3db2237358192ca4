package dev.vigil.runtime.lifecycle;

import java.time.Duration;
import java.util.Optional;

import dev.vigil.runtime.time.Clock;

/**
 * One deadline for a whole shutdown (Dynamo's {@code DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS}), shared
 * by its stages: each stage gets at most its own cap and never more than what is left, less the
 * reserve kept for cleanup, so a long drain cannot starve the lease revocation and engine stop that
 * must follow. The orchestrator's kill comes after the total (k8s: {@code
 * terminationGracePeriodSeconds} = total + 5 s), so every stage ends on our terms.
 */
public final class ShutdownBudget {

    private final long startNanos;
    private final Duration total;
    private final Duration cleanupReserve;
    private final Clock clock;

    private ShutdownBudget(Duration total, Duration cleanupReserve, Clock clock) {
        this.clock = clock;
        this.startNanos = clock.nanoTime();
        this.total = total;
        this.cleanupReserve = cleanupReserve.compareTo(total) > 0 ? total : cleanupReserve;
    }

    /** Starts the clock now. */
    public static ShutdownBudget start(Duration total, Duration cleanupReserve) {
        return start(total, cleanupReserve, Clock.SYSTEM);
    }

    /** Starts now on {@code clock}, which measures what is left. */
    public static ShutdownBudget start(Duration total, Duration cleanupReserve, Clock clock) {
        return new ShutdownBudget(total, cleanupReserve, clock);
    }

    public Duration total() {
        return total;
    }

    /** What is left of the total, never negative. */
    public Duration remaining() {
        Duration left = total.minusNanos(clock.nanoTime() - startNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** For a stage before cleanup: its cap (none: uncapped), within what is left less the cleanup reserve. */
    public Duration allowance(Optional<Duration> cap) {
        Duration left = remaining().minus(cleanupReserve);
        Duration available = left.isNegative() ? Duration.ZERO : left;
        return cap.filter(c -> c.compareTo(available) < 0).orElse(available);
    }

    /** For cleanup: the reserve, within what is left (and at least what is left if the reserve is gone). */
    public Duration cleanupAllowance() {
        Duration left = remaining();
        return left.compareTo(cleanupReserve) < 0 ? left : cleanupReserve;
    }
}
