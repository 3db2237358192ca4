package dev.vigil.frontend.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The router's fail-open series: {@link MetricNames#FAIL_OPEN}. Its labels are bounded: {@code model}
 * is a model discovery lists (a request for any other is refused before routing), {@code reason} one
 * of four exclusions.
 */
public final class FailOpenMetrics {

    private FailOpenMetrics() {}

    /** Counts one attempt sent to an excluded instance of {@code model}, excluded for {@code reason}. */
    public static void failedOpen(MeterRegistry registry, String model, String reason) {
        Counter.builder(MetricNames.FAIL_OPEN)
                .description("Attempts sent to an excluded instance because every instance of the model was excluded")
                .tag(MetricNames.MODEL, model)
                .tag(MetricNames.REASON, reason)
                .register(registry)
                .increment();
    }
}
