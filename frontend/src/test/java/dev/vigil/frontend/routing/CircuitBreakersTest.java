package dev.vigil.frontend.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.vigil.frontend.config.CircuitBreakerConfig;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.testing.ConfigMappings;

class CircuitBreakersTest {

    @Test
    void instancesDiscoveryNoLongerListsAreForgottenWithTheirMetricSeries() {
        CircuitBreakers breakers = new CircuitBreakers();
        breakers.config =
                ConfigMappings.fromEnvironment(CircuitBreakerConfig.class, Map.of(EnvNames.DYN_CB_ENABLED, "true"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        breakers.registry = registry;
        // A hundred restarts of a worker: a hundred instance ids, each with a circuit that opened.
        for (long id = 1; id <= 100; id++) {
            for (int i = 0; i < 10; i++) {
                breakers.failure(new InstanceId(id), "connection refused");
            }
        }
        assertEquals(100, breakers.size());
        assertTrue(registry.find(MetricNames.CIRCUIT_STATE)
                        .tag(MetricNames.WORKER_ID, new InstanceId(7).hex())
                        .gauge()
                != null);

        breakers.retainOnly(Set.of(new InstanceId(100)));

        assertEquals(1, breakers.size());
        assertEquals(
                0,
                registry.find(MetricNames.CIRCUIT_STATE)
                        .tag(MetricNames.WORKER_ID, new InstanceId(7).hex())
                        .meters()
                        .size());
        assertEquals(
                0,
                registry.find(MetricNames.CIRCUIT_TRANSITIONS)
                        .tag(MetricNames.WORKER_ID, new InstanceId(7).hex())
                        .meters()
                        .size());
        assertEquals(
                "open", breakers.status(new InstanceId(100)).orElseThrow().state(), "the live one keeps its state");
    }
}
