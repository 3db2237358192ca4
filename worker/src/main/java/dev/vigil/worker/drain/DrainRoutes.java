package dev.vigil.worker.drain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.vigil.worker.status.StatusServerErrors;

/**
 * The drain API on the system status server: {@code POST /engine/drain}, {@code POST /engine/resume}
 * and {@code GET /engine/status}, each answering {@code {"state","inflight","safe_to_delete"}}. Drain
 * and resume write to discovery, so they run off the event loop. Errors use the status server's
 * error shape ({@link StatusServerErrors}): 409 while shutting down, 503 when discovery cannot be
 * written; other methods on these paths, 405.
 */
@ApplicationScoped
public class DrainRoutes {

    static final String DRAIN = "/engine/drain";
    static final String RESUME = "/engine/resume";
    static final String STATUS = "/engine/status";

    @Inject
    WorkerDrain drain;

    void install(@Observes Router router) {
        router.post(DRAIN).blockingHandler(ctx -> answer(ctx, drain::drain));
        router.post(RESUME).blockingHandler(ctx -> answer(ctx, drain::resume));
        router.get(STATUS).handler(ctx -> send(ctx, drain.status()));
        for (String path : new String[] {DRAIN, RESUME, STATUS}) {
            router.route(path)
                    .handler(ctx -> StatusServerErrors.sendJson(
                            ctx,
                            405,
                            "Method not allowed",
                            "Method " + ctx.request().method() + " not allowed on " + path));
        }
    }

    private static void answer(RoutingContext ctx, java.util.function.Supplier<WorkerDrain.Status> action) {
        WorkerDrain.Status status;
        try {
            status = action.get();
        } catch (WorkerDrain.Refused e) {
            StatusServerErrors.sendJson(
                    ctx, e.status(), e.status() == 409 ? "Shutting down" : "Discovery unavailable", e.getMessage());
            return;
        }
        send(ctx, status);
    }

    private static void send(RoutingContext ctx, WorkerDrain.Status status) {
        String body = "{\"state\":\"" + status.state().wireName() + "\",\"inflight\":" + status.inflight()
                + ",\"safe_to_delete\":" + status.safeToDelete() + "}";
        ctx.response()
                .setStatusCode(200)
                .putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store")
                .end(body);
    }
}
