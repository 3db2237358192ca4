package dev.vigil.worker.status;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.vigil.health.SystemHealth;
import dev.vigil.health.SystemStatusViews;
import dev.vigil.runtime.config.NameList;
import dev.vigil.runtime.time.Clock;
import dev.vigil.worker.config.CanaryConfig;
import dev.vigil.worker.config.SystemStatusConfig;

/** Builds the worker's one health state from its configuration. */
@ApplicationScoped
public class SystemHealthProducer {

    @Produces
    @Singleton
    SystemHealth systemHealth(SystemStatusConfig config, CanaryConfig canary, Clock clock) {
        // With the canary on (DYN_HEALTH_CHECK_ENABLED) only a successful canary makes a payload
        // endpoint ready; off, serving it on the transport does.
        return new SystemHealth(
                config.startingHealthStatus(),
                config.useEndpointHealthStatus().orElseGet(NameList::empty).names(),
                canary.enabled(),
                // health-common knows nothing of the runtime: it takes the clock as a supplier.
                clock::nanoTime);
    }

    @Produces
    @Singleton
    SystemStatusViews systemStatusViews(SystemHealth health, SystemStatusConfig config) {
        return new SystemStatusViews(health, config.liveShallow());
    }
}
