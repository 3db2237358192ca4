package dev.vigil.worker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Dynamo's {@code dynamo_component_cancellation_total} ({@link WorkerMetricNames#CANCELLATION}),
 * with the endpoint's namespace, component and endpoint labels.
 */
public final class CancellationMetrics {

    private CancellationMetrics() {}

    /** The endpoint's counter of requests cancelled by their caller, registered at 0 now. */
    public static Counter counter(MeterRegistry registry, String namespace, String component, String endpoint) {
        return registry.counter(
                WorkerMetricNames.CANCELLATION,
                WorkerMetricNames.NAMESPACE_TAG,
                namespace,
                WorkerMetricNames.COMPONENT_TAG,
                component,
                WorkerMetricNames.ENDPOINT_TAG,
                endpoint);
    }
}
