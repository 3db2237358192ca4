package dev.vigil.frontend.metrics;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The frontend's counters with a planted fault: recording a migration's recovery gap throws, as a
 * bug on the client's side of a stream would. Everything else records as usual.
 */
public class ThrowingFrontendMetrics extends FrontendMetrics {

    public static final String FAULT = "planted fault in migrationRecovery";

    public ThrowingFrontendMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void migrationRecovery(String model, long gapNanos) {
        throw new IllegalStateException(FAULT);
    }
}
