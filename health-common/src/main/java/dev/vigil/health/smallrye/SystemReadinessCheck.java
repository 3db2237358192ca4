package dev.vigil.health.smallrye;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.vigil.health.HealthSnapshot;
import dev.vigil.health.SystemStatusViews;

/**
 * {@code /q/health/ready}: UP exactly when the Dynamo health path answers 200. In an app without a
 * system health state (the frontend) it is always UP.
 */
@Readiness
@ApplicationScoped
public class SystemReadinessCheck implements HealthCheck {

    static final String NAME = "vigil-system";

    @Inject
    Instance<SystemStatusViews> views;

    @Override
    public HealthCheckResponse call() {
        if (!views.isResolvable()) {
            return HealthCheckResponse.up(NAME);
        }
        HealthSnapshot snapshot = views.get().health().snapshot();
        return HealthCheckResponse.named(NAME)
                .status(snapshot.ready())
                .withData("status", snapshot.status().wireName())
                .build();
    }
}
