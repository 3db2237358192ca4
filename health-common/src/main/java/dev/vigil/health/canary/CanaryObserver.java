package dev.vigil.health.canary;

import java.time.Duration;

/** Told what the canary does, for metrics. Called outside the scheduler's locks; must not block. */
public interface CanaryObserver {

    /** An endpoint is now checked; it will be until {@link #targetRemoved}. */
    void targetAdded(String endpoint);

    void targetRemoved(String endpoint);

    /** A canary ended with {@code result} ({@code ok}, {@code error} or {@code timeout}) after {@code took}. */
    void canaryFinished(String endpoint, CanaryResult result, Duration took);

    /** The stall watchdog found the endpoint's requests making no progress. */
    void stalled(String endpoint);

    CanaryObserver NONE = new CanaryObserver() {
        @Override
        public void targetAdded(String endpoint) {}

        @Override
        public void targetRemoved(String endpoint) {}

        @Override
        public void canaryFinished(String endpoint, CanaryResult result, Duration took) {}

        @Override
        public void stalled(String endpoint) {}
    };
}
