package dev.vigil.health.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.vigil.health.canary.CanaryObserver;
import dev.vigil.health.canary.CanaryResult;

/**
 * The canary as Prometheus metrics: {@code dynamo_component_canary_total{dynamo_endpoint,result}}
 * counts checks by how they ended ({@code ok}, {@code error}, {@code timeout}, and {@code stalled}
 * for the stall watchdog), and {@code dynamo_component_canary_duration_seconds{dynamo_endpoint,result}}
 * is the histogram of canary durations. Every series of an endpoint exists, at 0, from the moment it
 * is checked, so rates and alerts work before the first failure. Readiness itself is {@link
 * MetricNames#ENDPOINT_HEALTH}. Names and tags are in {@link MetricNames}.
 */
public final class CanaryMetrics implements CanaryObserver {

    /** Histogram buckets: a healthy one-token canary takes milliseconds, a timeout seconds. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private static final List<CanaryResult> TIMED = List.of(CanaryResult.OK, CanaryResult.ERROR, CanaryResult.TIMEOUT);

    private final MeterRegistry registry;
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    public CanaryMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void targetAdded(String endpoint) {
        meters.computeIfAbsent(endpoint, name -> {
            List<Meter> created = new ArrayList<>();
            for (CanaryResult result : CanaryResult.values()) {
                created.add(counter(name, result));
            }
            for (CanaryResult result : TIMED) {
                created.add(timer(name, result));
            }
            return List.copyOf(created);
        });
    }

    @Override
    public void targetRemoved(String endpoint) {
        List<Meter> removed = meters.remove(endpoint);
        if (removed != null) {
            removed.forEach(registry::remove);
        }
    }

    @Override
    public void canaryFinished(String endpoint, CanaryResult result, Duration took) {
        counter(endpoint, result).increment();
        timer(endpoint, result).record(took);
    }

    @Override
    public void stalled(String endpoint) {
        counter(endpoint, CanaryResult.STALLED).increment();
    }

    private Counter counter(String endpoint, CanaryResult result) {
        return Counter.builder(MetricNames.CANARY)
                .tag(MetricNames.ENDPOINT_TAG, endpoint)
                .tag(MetricNames.RESULT_TAG, result.label())
                .description("Canary health checks by result; stalled counts stall-watchdog trips")
                .register(registry);
    }

    private Timer timer(String endpoint, CanaryResult result) {
        return Timer.builder(MetricNames.CANARY_DURATION)
                .tag(MetricNames.ENDPOINT_TAG, endpoint)
                .tag(MetricNames.RESULT_TAG, result.label())
                .description("Time from sending a canary to its verdict")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
