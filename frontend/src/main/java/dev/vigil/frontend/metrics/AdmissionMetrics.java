package dev.vigil.frontend.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The API's admission series: {@link MetricNames#INFLIGHT_LIMIT_REJECTED}. */
public final class AdmissionMetrics {

    private AdmissionMetrics() {}

    /** The counter of completions refused at once because {@code DYN_HTTP_MAX_INFLIGHT_REQUESTS} were in flight. */
    public static Counter inflightLimitRejected(MeterRegistry registry) {
        return Counter.builder(MetricNames.INFLIGHT_LIMIT_REJECTED)
                .description("Completions refused because DYN_HTTP_MAX_INFLIGHT_REQUESTS were in flight")
                .register(registry);
    }
}
