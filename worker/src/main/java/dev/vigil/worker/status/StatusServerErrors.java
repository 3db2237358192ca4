package dev.vigil.worker.status;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.vigil.health.http.HealthResponse;
import dev.vigil.health.http.RequestHeadLimits;
import dev.vigil.worker.config.ErrorFormat;
import dev.vigil.worker.config.SystemStatusConfig;

/**
 * Every error the status server gives, in one format ({@code DYN_SYSTEM_ERROR_FORMAT}): unknown
 * paths and wrong methods (answered by {@link SystemStatusRoutes}' fallback), a request head over
 * {@link RequestHeadLimits}, a body over a route's limit, a handler that failed.
 */
@ApplicationScoped
public class StatusServerErrors {

    private static final Logger LOG = Logger.getLogger(StatusServerErrors.class);

    /** Dynamo's fallback body, and the {@code error} of the JSON form. */
    static final String NOT_FOUND = "Route not found";

    @Inject
    SystemStatusConfig config;

    void install(@Observes Router router) {
        RequestHeadLimits.install(router, this::send);
        // The metrics page is one path: Micrometer's route also answers below it (/metrics/x).
        router.routeWithRegex("/metrics/.+").order(Integer.MIN_VALUE + 1).handler(this::notFound);
        // Failures (a body over a route's limit, a handler that threw) come here before Quarkus' own
        // handler, which would answer with an empty body or an HTML page.
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.response().headWritten()) {
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
                send(ctx, 413, "Payload too large", "Request body over this route's limit");
            } else if (status >= 400 && status < 500) {
                send(ctx, status, "Bad request", "Cannot serve " + ctx.request().method() + " " + path(ctx));
            } else {
                LOG.errorf(ctx.failure(), "Request %s %s failed", ctx.request().method(), path(ctx));
                send(ctx, 500, "Handler error", "Internal server error");
            }
        });
    }

    void notFound(RoutingContext ctx) {
        send(ctx, 404, NOT_FOUND, "Route " + ctx.request().method() + " " + path(ctx) + " not found");
    }

    void methodNotAllowed(RoutingContext ctx) {
        send(ctx, 405, "Method not allowed", "Method " + ctx.request().method() + " not allowed on " + path(ctx));
    }

    /** Sends an error in the configured format. */
    public void send(RoutingContext ctx, int status, String error, String message) {
        if (config.errorFormat() == ErrorFormat.JSON) {
            sendJson(ctx, status, error, message);
            return;
        }
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("content-type", HealthResponse.TEXT_UTF8);
        ctx.response().end(status == 404 ? NOT_FOUND : "");
    }

    /**
     * Sends {@code {"error": …, "message": …}}, the shape of Dynamo's {@code /engine} routes, which
     * answer so whatever the format.
     */
    public static void sendJson(RoutingContext ctx, int status, String error, String message) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ObjectNode body =
                JsonNodeFactory.instance.objectNode().put("error", error).put("message", message);
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body.toString());
    }

    /** The path as received, cut short: it is echoed to the client and may be anything. */
    private static String path(RoutingContext ctx) {
        String path = ctx.request().path();
        return path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }
}
