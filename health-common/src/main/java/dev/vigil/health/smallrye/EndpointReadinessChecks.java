package dev.vigil.health.smallrye;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;

import dev.vigil.health.EndpointHealthListener;
import dev.vigil.health.HealthSnapshot;
import dev.vigil.health.HealthStatus;
import dev.vigil.health.SystemHealth;
import dev.vigil.health.SystemStatusViews;

/**
 * One SmallRye readiness check per endpoint, registered when the endpoint first gets a status and
 * removed when it is forgotten. A check is DOWN only when its endpoint is not ready <em>and</em>
 * takes part in the readiness decision, so the aggregate of all checks equals the Dynamo status.
 */
@ApplicationScoped
public class EndpointReadinessChecks implements EndpointHealthListener {

    static final String PREFIX = "vigil-endpoint-";

    @Inject
    @Readiness
    HealthRegistry registry;

    @Inject
    Instance<SystemStatusViews> views;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private SystemHealth health;

    void attach(@Observes StartupEvent event) {
        if (views.isResolvable()) {
            health = views.get().health();
            health.addListener(this);
        }
    }

    @Override
    public void endpointAdded(String endpoint) {
        if (registered.add(endpoint)) {
            registry.register(PREFIX + endpoint, () -> check(endpoint));
        }
    }

    @Override
    public void endpointRemoved(String endpoint) {
        if (registered.remove(endpoint)) {
            registry.remove(PREFIX + endpoint);
        }
    }

    private HealthCheckResponse check(String endpoint) {
        HealthSnapshot snapshot = health.snapshot();
        HealthStatus status = snapshot.endpoints().getOrDefault(endpoint, HealthStatus.NOT_READY);
        boolean counts = snapshot.counts(endpoint);
        return HealthCheckResponse.named(PREFIX + endpoint)
                .status(status == HealthStatus.READY || !counts)
                .withData("status", status.wireName())
                .withData("required", counts)
                .build();
    }
}
