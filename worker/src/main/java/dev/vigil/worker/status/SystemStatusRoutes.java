package dev.vigil.worker.status;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;

import dev.vigil.health.SystemStatusViews;
import dev.vigil.health.http.StatusRoutes;
import dev.vigil.worker.config.SystemStatusConfig;

/**
 * The Dynamo system status server's routes on the worker's HTTP server: the health path, the live
 * path, the {@code /ready} alias, and the fallback, 404 (in {@link StatusServerErrors}' format), for
 * every other path. Handlers only read memory: no I/O, no lock, no blocking.
 */
@ApplicationScoped
public class SystemStatusRoutes {

    private static final Logger LOG = Logger.getLogger(SystemStatusRoutes.class);

    @Inject
    SystemStatusViews views;

    @Inject
    SystemStatusConfig config;

    @Inject
    StatusServerErrors errors;

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
                errors.methodNotAllowed(ctx);
                return;
            }
            LOG.debugf("[fallback handler] called for %s", ctx.normalizedPath());
            errors.notFound(ctx);
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
