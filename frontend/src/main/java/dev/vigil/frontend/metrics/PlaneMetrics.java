package dev.vigil.frontend.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.runtime.transport.PlaneClient;
import dev.vigil.runtime.transport.PlaneStatus;

/**
 * The frontend's request-plane series, {@link MetricNames#PLANE_TASKS_REJECTED} and {@link
 * MetricNames#STREAM_HELD_BYTES}, read from the plane at each scrape: the plane (in the runtime)
 * counts, it does not know Micrometer.
 */
public final class PlaneMetrics {

    private PlaneMetrics() {}

    public static void register(MeterRegistry registry, PlaneStatus status, PlaneClient plane) {
        FunctionCounter.builder(MetricNames.PLANE_TASKS_REJECTED, status, PlaneStatus::rejectedTasks)
                .description("Work the request plane's bounded pool refused, and events dropped for a subscription")
                .register(registry);
        Gauge.builder(MetricNames.STREAM_HELD_BYTES, plane, PlaneClient::heldBytes)
                .description("Response bytes held for streaming clients that have not read them (flow control)")
                .baseUnit("bytes")
                .register(registry);
    }
}
