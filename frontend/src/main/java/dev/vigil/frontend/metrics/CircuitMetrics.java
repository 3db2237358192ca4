package dev.vigil.frontend.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The circuit breaker's series, per worker instance: {@link MetricNames#CIRCUIT_STATE} and
 * {@link MetricNames#CIRCUIT_TRANSITIONS}. Generic in the state type because the breaker's states
 * live in {@code routing}, a package above this one.
 */
public final class CircuitMetrics {

    private CircuitMetrics() {}

    /**
     * One gauge per state for the instance, 1 for the state {@code current} holds, read at each scrape.
     * The gauges hold {@code current} weakly, as every Micrometer gauge its object.
     */
    public static <S extends Enum<S>> void states(
            MeterRegistry registry,
            String workerId,
            AtomicReference<S> current,
            S[] states,
            Function<S, String> wireName) {
        for (S state : states) {
            Gauge.builder(MetricNames.CIRCUIT_STATE, current, c -> c.get() == state ? 1 : 0)
                    .description("1 for the state of the worker instance's circuit, 0 for the others")
                    .tag(MetricNames.WORKER_ID, workerId)
                    .tag(MetricNames.STATE, wireName.apply(state))
                    .register(registry);
        }
    }

    /** Counts one transition of the instance's circuit. */
    public static void transition(MeterRegistry registry, String workerId, String from, String to) {
        registry.counter(
                        MetricNames.CIRCUIT_TRANSITIONS,
                        MetricNames.WORKER_ID,
                        workerId,
                        MetricNames.FROM,
                        from,
                        MetricNames.TO,
                        to)
                .increment();
    }

    /** Removes every circuit series of the instance, so instances that come and go do not pile up. */
    public static void forget(MeterRegistry registry, String workerId) {
        for (String name : List.of(MetricNames.CIRCUIT_STATE, MetricNames.CIRCUIT_TRANSITIONS)) {
            registry.find(name).tag(MetricNames.WORKER_ID, workerId).meters().forEach(registry::remove);
        }
    }
}
