package dev.vigil.frontend.probe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.vigil.runtime.model.InstanceId;

/**
 * The prober's Prometheus series. Per-instance series are removed with their instance, so a cluster
 * that replaces workers all day does not grow {@code /metrics} without end.
 */
public final class ProbeMetrics {

    /** Renders as {@code dynamo_frontend_probe_total{instance,probe,result}}. */
    public static final String PROBES = "dynamo.frontend.probe";
    /** Renders as {@code dynamo_frontend_probe_duration_seconds{instance,probe}} (a histogram). */
    public static final String DURATION = "dynamo.frontend.probe.duration";
    /** Renders as {@code dynamo_frontend_routable_instances}. */
    public static final String ROUTABLE = "dynamo.frontend.routable.instances";

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(300)
    };

    private final MeterRegistry registry;
    private final Map<InstanceId, CopyOnWriteArrayList<Meter>> perInstance = new ConcurrentHashMap<>();

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the routable-instances gauge, read from {@code routable} at each scrape. */
    public void routableInstances(Supplier<Number> routable) {
        Gauge.builder(ROUTABLE, routable)
                .description("Worker instances the frontend may send requests to")
                .register(registry);
    }

    void executed(InstanceId id, ProbeConfig probe, ProbeOutcome outcome) {
        String instance = id.decimal();
        String index = String.valueOf(probe.index());
        Counter counter = Counter.builder(PROBES)
                .description("Probe executions by outcome")
                .tags(
                        "instance",
                        instance,
                        "probe",
                        index,
                        "result",
                        outcome.result().label())
                .register(registry);
        counter.increment();
        Timer timer = Timer.builder(DURATION)
                .description("Probe round trip, connect to last byte")
                .tags("instance", instance, "probe", index)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        timer.record(outcome.latency());
        CopyOnWriteArrayList<Meter> meters = perInstance.computeIfAbsent(id, ignored -> new CopyOnWriteArrayList<>());
        meters.addIfAbsent(counter);
        meters.addIfAbsent(timer);
    }

    void forget(InstanceId id) {
        List<Meter> meters = perInstance.remove(id);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }
}
