package dev.vigil.health.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.health.EndpointHealthListener;
import dev.vigil.health.HealthStatus;
import dev.vigil.health.SystemHealth;
import dev.vigil.health.SystemStatusViews;

/**
 * The health state as Prometheus gauges, read at scrape time: {@code dynamo_component_uptime_seconds}
 * and {@code dynamo_component_endpoint_health{dynamo_endpoint=…}} (1 ready, 0 not ready). Names and
 * tags are in {@link MetricNames}.
 */
@ApplicationScoped
public class HealthMetrics implements EndpointHealthListener {

    @Inject
    MeterRegistry registry;

    @Inject
    Instance<SystemStatusViews> views;

    private final Map<String, Meter> endpointGauges = new ConcurrentHashMap<>();
    private SystemHealth health;

    // Before other start-up observers (the default priority is 2500): the HTTP server already answers
    // while they run, and the worker's connects to etcd first, so a scrape in that window saw no
    // endpoint gauges (WorkerSystemStatusIT under load).
    void attach(@Observes @Priority(10) StartupEvent event) {
        if (!views.isResolvable()) {
            return;
        }
        health = views.get().health();
        Gauge.builder(MetricNames.UPTIME, health, h -> h.uptime().toSeconds())
                .baseUnit("seconds")
                .description("Time since the runtime started")
                .register(registry);
        health.addListener(this);
    }

    @Override
    public void endpointAdded(String endpoint) {
        endpointGauges.computeIfAbsent(
                endpoint, name -> Gauge.builder(MetricNames.ENDPOINT_HEALTH, health, h -> ready(h, name))
                        .tag(MetricNames.ENDPOINT_TAG, name)
                        .description("Endpoint readiness: 1 ready, 0 not ready")
                        .register(registry));
    }

    @Override
    public void endpointRemoved(String endpoint) {
        Meter gauge = endpointGauges.remove(endpoint);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    private static double ready(SystemHealth health, String endpoint) {
        return health.snapshot().endpoints().get(endpoint) == HealthStatus.READY ? 1 : 0;
    }
}
