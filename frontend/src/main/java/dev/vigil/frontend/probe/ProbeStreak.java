package dev.vigil.frontend.probe;

/**
 * One probe's record against one instance: dstack's success streak (consecutive successes, reset by
 * any failure), plus the failure streak {@code failure_threshold} counts. Not thread-safe: its
 * {@link ProbedInstance} guards it.
 */
final class ProbeStreak {

    /** dstack's status symbols, as {@code dstack ps --verbose} prints them. */
    static final char READY = '✓';

    static final char SUCCEEDING = '~';
    static final char FAILING = '×';

    private final Probe config;
    private int successStreak;
    private int failureStreak;
    private long executions;
    private boolean active = true;
    private ProbeOutcome last;

    ProbeStreak(Probe config) {
        this.config = config;
    }

    void record(ProbeOutcome outcome) {
        executions++;
        last = outcome;
        if (outcome.success()) {
            successStreak++;
            failureStreak = 0;
        } else {
            successStreak = 0;
            failureStreak++;
        }
        if (config.untilReady() && ready()) {
            // dstack's until_ready: once ready, this probe is not run again.
            active = false;
        }
    }

    Probe config() {
        return config;
    }

    /** {@code ready_after} consecutive successes. */
    boolean ready() {
        return successStreak >= config.readyAfter();
    }

    /** This probe's {@code failure_threshold} is set and reached. */
    boolean failedOut() {
        return config.failureThreshold() != null && failureStreak >= config.failureThreshold();
    }

    boolean active() {
        return active;
    }

    char symbol() {
        if (ready()) {
            return READY;
        }
        return successStreak > 0 ? SUCCEEDING : FAILING;
    }

    ProbeView view() {
        return new ProbeView(config, successStreak, failureStreak, executions, active, ready(), symbol(), last);
    }
}
