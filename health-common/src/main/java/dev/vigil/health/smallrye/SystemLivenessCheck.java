package dev.vigil.health.smallrye;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.vigil.health.SystemStatusViews;

/**
 * {@code /q/health/live}: UP exactly when the Dynamo live path answers 200, so a probe pointed at
 * either agrees (deep by default, like Dynamo; shallow with {@code DYN_SYSTEM_LIVE_SHALLOW=true}).
 */
@Liveness
@ApplicationScoped
public class SystemLivenessCheck implements HealthCheck {

    static final String NAME = "vigil-live";

    @Inject
    Instance<SystemStatusViews> views;

    @Override
    public HealthCheckResponse call() {
        if (!views.isResolvable()) {
            return HealthCheckResponse.up(NAME);
        }
        SystemStatusViews v = views.get();
        return HealthCheckResponse.named(NAME)
                .status(v.live())
                .withData("mode", v.shallowLive() ? "shallow" : "health")
                .build();
    }
}
