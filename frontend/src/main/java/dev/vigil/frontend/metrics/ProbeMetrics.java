package dev.vigil.frontend.metrics;

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
 * The prober's Prometheus series (names in {@link MetricNames}). Per-instance series are removed with their instance, so a cluster
 * that replaces workers all day does not grow {@code /metrics} without end. Takes plain values, not the
 * probe package's types: this package sits below {@code probe} in the frontend's layering.
 */
public final class ProbeMetrics {

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
        Gauge.builder(MetricNames.ROUTABLE_INSTANCES, routable)
                .description("Worker instances the frontend may send requests to")
                .register(registry);
    }

    /**
     * Counts one execution of probe number {@code probeIndex} on the instance, with its {@code result}
     * label, and records its round trip.
     */
    public void executed(InstanceId id, int probeIndex, String result, Duration latency) {
        String instance = id.decimal();
        String index = String.valueOf(probeIndex);
        Counter counter = Counter.builder(MetricNames.PROBES)
                .description("Probe executions by outcome")
                .tags(MetricNames.WORKER_ID, instance, MetricNames.PROBE, index, MetricNames.RESULT, result)
                .register(registry);
        counter.increment();
        Timer timer = Timer.builder(MetricNames.PROBE_DURATION)
                .description("Probe round trip, connect to last byte")
                .tags(MetricNames.WORKER_ID, instance, MetricNames.PROBE, index)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        timer.record(latency);
        CopyOnWriteArrayList<Meter> meters = perInstance.computeIfAbsent(id, ignored -> new CopyOnWriteArrayList<>());
        meters.addIfAbsent(counter);
        meters.addIfAbsent(timer);
    }

    /** Removes every series of the instance: it left discovery. */
    public void forget(InstanceId id) {
        List<Meter> meters = perInstance.remove(id);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }
}
