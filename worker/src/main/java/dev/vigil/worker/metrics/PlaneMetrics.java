package dev.vigil.worker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.runtime.transport.RequestPlane;

/**
 * The worker's request-plane series, {@link WorkerMetricNames#PLANE_TASKS_REJECTED}, read from the
 * plane at each scrape: the plane (in the runtime) counts, it does not know Micrometer.
 */
public final class PlaneMetrics {

    private PlaneMetrics() {}

    public static void register(MeterRegistry registry, RequestPlane plane) {
        FunctionCounter.builder(WorkerMetricNames.PLANE_TASKS_REJECTED, plane, RequestPlane::rejectedTasks)
                .description("Work the request plane's bounded pool refused (requests answered busy, events dropped)")
                .register(registry);
    }
}
