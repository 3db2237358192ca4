package dev.vigil.worker.metrics;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code vigil_worker_drain_state{state}}: one series per drain state, 1 for the current one. */
public final class DrainMetrics {

    private DrainMetrics() {}

    /**
     * @param states every state's wire name, one series each
     * @param current the wire name of the state now
     */
    public static void register(MeterRegistry registry, List<String> states, Supplier<String> current) {
        for (String state : states) {
            Gauge.builder(WorkerMetricNames.DRAIN_STATE, current, c -> state.equals(c.get()) ? 1 : 0)
                    .description("The worker's drain state (POST /engine/drain, /engine/resume): 1 for the current one")
                    .tag(WorkerMetricNames.STATE_TAG, state)
                    .register(registry);
        }
    }
}
