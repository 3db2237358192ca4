package dev.vigil.frontend.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@link MetricNames#SHARED_VERDICTS}: three series, one per event. */
public final class SharedVerdictMetrics {

    public final Counter published;
    public final Counter received;
    public final Counter dropped;

    public SharedVerdictMetrics(MeterRegistry registry) {
        published = counter(registry, "published");
        received = counter(registry, "received");
        dropped = counter(registry, "dropped");
    }

    private static Counter counter(MeterRegistry registry, String event) {
        return Counter.builder(MetricNames.SHARED_VERDICTS)
                .description("Verdicts on workers shared between frontends through discovery")
                .tag(MetricNames.EVENT, event)
                .register(registry);
    }
}
