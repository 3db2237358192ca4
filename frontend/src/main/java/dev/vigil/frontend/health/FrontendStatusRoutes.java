package dev.vigil.frontend.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.vigil.frontend.config.FrontendHttpConfig;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.health.http.HealthResponse;
import dev.vigil.health.http.StatusRoutes;
import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.discovery.Discovery;

/**
 * The frontend's /live and /health (paths configurable), {@code application/json}. Liveness
 * depends only on this process; health lists the worker instances discovery knows. Both read
 * memory only.
 */
@ApplicationScoped
public class FrontendStatusRoutes {

    @Inject
    FrontendHttpConfig config;

    @Inject
    ServiceState state;

    @Inject
    KnownInstances instances;

    @Inject
    ServedModels models;

    @Inject
    Discovery discovery;

    @Inject
    InitialWorkers initialWorkers;

    void install(@Observes Router router) {
        String live = config.svc().livePath();
        String health = config.svc().healthPath();
        if (live.equals(health)) {
            throw new ConfigurationException(ConfigProblem.line(
                    EnvNames.DYN_HTTP_SVC_HEALTH_PATH,
                    health,
                    "must differ from " + EnvNames.DYN_HTTP_SVC_LIVE_PATH + " (\"" + live + "\")"));
        }
        int unhealthyStatus = config.svc().healthUnhealthyStatus();
        StatusRoutes.exact(router, live, ctx -> {
            boolean down = state.shuttingDown();
            send(ctx, down ? 503 : 200, down ? FrontendHealthJson.SHUTTING_DOWN : FrontendHealthJson.LIVE);
        });
        StatusRoutes.exact(router, health, ctx -> {
            ServiceState.Stage stage = state.stage();
            if (stage != ServiceState.Stage.SERVING) {
                send(ctx, 503, FrontendHealthJson.notReady(stage.wireName()));
                return;
            }
            if (initialWorkers.holding()) {
                send(
                        ctx,
                        503,
                        FrontendHealthJson.waitingForWorkers(initialWorkers.routable(), initialWorkers.wanted()));
                return;
            }
            var known = instances.list();
            send(
                    ctx,
                    known.isEmpty() ? unhealthyStatus : 200,
                    FrontendHealthJson.health(
                            known, models.modelEndpoints(), discovery.problem().orElse(null)));
        });
    }

    private static void send(RoutingContext ctx, int status, String body) {
        StatusRoutes.send(ctx, new HealthResponse(status, HealthResponse.JSON, body));
    }
}
