package dev.vigil.health.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** How both apps put a health answer on a route. */
public final class StatusRoutes {

    private StatusRoutes() {}

    /**
     * GET and HEAD on exactly {@code path}. Vert.x would also match {@code path + "/"}; Dynamo does no
     * trailing-slash normalisation, so that form falls through to whatever answers unknown paths.
     */
    public static void exact(Router router, String path, Handler<RoutingContext> handler) {
        router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
            if (path.equals(ctx.request().path())) {
                handler.handle(ctx);
            } else {
                ctx.next();
            }
        });
    }

    public static void send(RoutingContext ctx, HealthResponse response) {
        ctx.response()
                .setStatusCode(response.statusCode())
                .putHeader("content-type", response.contentType())
                .end(response.body());
    }
}
