package dev.vigil.frontend.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.vigil.frontend.config.FrontendHttpConfig;
import dev.vigil.health.http.RequestHeadLimits;

/**
 * The errors the HTTP layer itself produces (an unknown route, a wrong method, a body over the
 * limit, a request target or headers over {@link RequestHeadLimits}, a handler that failed) answer in the same JSON shape as the API's own errors, instead of an
 * HTML page or an empty body, so a client parses every error one way.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    private static final Logger LOG = Logger.getLogger(HttpErrorRoutes.class);

    @Inject
    FrontendHttpConfig http;

    void install(@Observes Router router) {
        RequestHeadLimits.install(router, (ctx, status, error, message) -> send(ctx, status, message));
        // The metrics page is one path: Micrometer's route also answers below it (/metrics/x).
        router.routeWithRegex("/metrics/.+")
                .order(Integer.MIN_VALUE + 1)
                .handler(ctx ->
                        send(ctx, 404, "Route not found: " + ctx.request().method() + " " + path(ctx)));
        router.errorHandler(
                404, ctx -> send(ctx, 404, "Route not found: " + ctx.request().method() + " " + path(ctx)));
        router.errorHandler(
                405,
                ctx -> send(ctx, 405, "Method not allowed: " + ctx.request().method() + " " + path(ctx)));
        // Failures (a body over the limit, a handler that threw) go to the first matching failure
        // handler; this one comes before Quarkus' own, which would answer with an empty body.
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.response().headWritten()) {
                // Too late for an error body: the status line is gone. End what was sent.
                LOG.debugf(
                        ctx.failure(),
                        "Request %s %s failed mid-response",
                        ctx.request().method(),
                        path(ctx));
                if (!ctx.response().ended() && !ctx.response().closed()) {
                    ctx.response().end();
                }
                return;
            }
            int status = ctx.statusCode();
            if (status == 413) {
                send(ctx, 413, "Request body too large: at most " + OpenAiRoutes.MAX_BODY_BYTES + " bytes");
            } else if (status >= 400 && status < 500) {
                send(
                        ctx,
                        status,
                        ApiError.of(status, "").type() + ": " + ctx.request().method() + " " + path(ctx));
            } else {
                // A client never sees a stack trace; the log keeps it, once.
                LOG.errorf(ctx.failure(), "Request %s %s failed", ctx.request().method(), path(ctx));
                send(ctx, 500, "Internal server error");
            }
        });
    }

    /** The path as received, cut short: it is echoed to the client and may be anything. */
    private static String path(RoutingContext ctx) {
        String path = ctx.request().path();
        return path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }

    private void send(RoutingContext ctx, int status, String message) {
        ApiError.of(status, message).sendTo(ctx.response(), http.errorFormat());
    }
}
