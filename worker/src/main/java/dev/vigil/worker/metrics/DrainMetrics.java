package dev.vigil.worker.metrics;

import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.worker.drain.WorkerDrain;

/** {@code vigil_worker_drain_state{state}}: one series per drain state, 1 for the current one. */
public final class DrainMetrics {

    private DrainMetrics() {}

    public static void register(MeterRegistry registry, Supplier<WorkerDrain.State> current) {
        for (WorkerDrain.State state : WorkerDrain.State.values()) {
            Gauge.builder(WorkerMetricNames.DRAIN_STATE, current, c -> c.get() == state ? 1 : 0)
                    .description("The worker's drain state (POST /engine/drain, /engine/resume): 1 for the current one")
                    .tag(WorkerMetricNames.STATE_TAG, state.wireName())
                    .register(registry);
        }
    }
}
