package dev.vigil.worker.status;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;

import dev.vigil.health.SystemStatusViews;
import dev.vigil.health.http.HealthResponse;
import dev.vigil.health.http.StatusRoutes;
import dev.vigil.worker.config.SystemStatusConfig;

/**
 * The Dynamo system status server's routes on the worker's HTTP server: the health path, the live
 * path, the {@code /ready} alias, and Dynamo's fallback, 404 {@code Route not found}, for every
 * other path. Handlers only read memory: no I/O, no lock, no blocking.
 */
@ApplicationScoped
public class SystemStatusRoutes {

    private static final Logger LOG = Logger.getLogger(SystemStatusRoutes.class);
    static final String NOT_FOUND = "Route not found";

    @Inject
    SystemStatusViews views;

    @Inject
    SystemStatusConfig config;

    void install(@Observes Router router) {
        SystemStatusPaths paths = SystemStatusPaths.of(config);
        StatusRoutes.exact(router, paths.health(), ctx -> StatusRoutes.send(ctx, views.healthResponse()));
        StatusRoutes.exact(
                router, SystemStatusPaths.READY_ALIAS, ctx -> StatusRoutes.send(ctx, views.healthResponse()));
        StatusRoutes.exact(router, paths.live(), ctx -> StatusRoutes.send(ctx, views.liveResponse()));
        Set<String> ours = Set.of(paths.health(), paths.live(), SystemStatusPaths.READY_ALIAS);
        // Registered last so Quarkus' own routes (/metrics, /q/*) still match first.
        router.route().last().handler(ctx -> {
            if (ours.contains(ctx.request().path())) {
                ctx.response()
                        .setStatusCode(405)
                        .putHeader("content-type", HealthResponse.TEXT_UTF8)
                        .end();
                return;
            }
            LOG.debugf("[fallback handler] called for %s", ctx.normalizedPath());
            ctx.response()
                    .setStatusCode(404)
                    .putHeader("content-type", HealthResponse.TEXT_UTF8)
                    .end(NOT_FOUND);
        });
        LOG.infof(
                "System status server routes: health %s, live %s%s, alias %s, metrics %s",
                paths.health(),
                paths.live(),
                views.shallowLive() ? " (shallow)" : "",
                SystemStatusPaths.READY_ALIAS,
                SystemStatusPaths.METRICS);
    }
}
