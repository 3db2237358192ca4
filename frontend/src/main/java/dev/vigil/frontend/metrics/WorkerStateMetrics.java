package dev.vigil.frontend.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link MetricNames#WORKER_STATE}, one gauge per state for each worker process this frontend
 * tracks. Generic in the state type because the states live in {@code routing}, a package above this
 * one.
 */
public final class WorkerStateMetrics {

    private WorkerStateMetrics() {}

    /**
     * Registers the worker's gauges, 1 for the state {@code stateOf(holder)} is in, read at each scrape
     * ({@code holder} is held weakly, as every Micrometer gauge holds its object). Returns them, for
     * {@link #forget} when the worker is dropped.
     */
    public static <T, S extends Enum<S>> List<Meter> track(
            MeterRegistry registry,
            String workerId,
            T holder,
            Function<T, S> stateOf,
            S[] states,
            Function<S, String> wireName) {
        List<Meter> meters = new ArrayList<>();
        for (S state : states) {
            meters.add(Gauge.builder(MetricNames.WORKER_STATE, holder, h -> stateOf.apply(h) == state ? 1 : 0)
                    .description("1 for the state this frontend sees the worker in, 0 for the others")
                    .tag(MetricNames.WORKER_ID, workerId)
                    .tag(MetricNames.STATE, wireName.apply(state))
                    .register(registry));
        }
        return meters;
    }

    /** Removes a dropped worker's gauges, so workers that come and go do not pile up. */
    public static void forget(MeterRegistry registry, List<Meter> meters) {
        meters.forEach(registry::remove);
    }
}
