package dev.vigil.worker.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.vigil.health.SystemHealth;
import dev.vigil.health.SystemStatusViews;
import dev.vigil.runtime.config.NameList;
import dev.vigil.worker.config.SystemStatusConfig;

/** Builds the worker's one health state from its configuration. */
@ApplicationScoped
public class SystemHealthProducer {

    @Produces
    @Singleton
    SystemHealth systemHealth(SystemStatusConfig config) {
        // The canary (DYN_HEALTH_CHECK_ENABLED) is not part of the worker yet, so the transport is
        // the authority on endpoint readiness, as in Dynamo with the canary off.
        return new SystemHealth(
                config.startingHealthStatus(),
                config.useEndpointHealthStatus().orElseGet(NameList::empty).names(),
                false);
    }

    @Produces
    @Singleton
    SystemStatusViews systemStatusViews(SystemHealth health, SystemStatusConfig config) {
        return new SystemStatusViews(health, config.liveShallow());
    }
}
