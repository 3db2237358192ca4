package dev.vigil.worker.fault;

import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import dev.vigil.runtime.json.Json;
import dev.vigil.worker.config.FaultInjectionConfig;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.FaultInjection;
import dev.vigil.worker.engine.FaultMode;
import dev.vigil.worker.status.StatusServerErrors;

/**
 * {@code POST /engine/fault} on the system status server: makes the engine misbehave, for tests
 * and drills, when it can ({@link Engine#faultInjection()}: the mock engine can). Body {@code {"mode": "die" | "hang" | "stall_after_first_token" | "error_first_token" |
 * "heal"}}. The route exists only with {@code DYN_FAULT_INJECTION_ENABLED=true}; otherwise the path
 * answers 404 like any unknown route. Error bodies follow Dynamo's engine
 * routes: {@code {"error": …, "message": …}}.
 */
@ApplicationScoped
public class FaultInjectionRoutes {

    private static final Logger LOG = Logger.getLogger(FaultInjectionRoutes.class);
    static final String PATH = "/engine/fault";
    private static final ObjectMapper JSON = Json.WIRE;

    @Inject
    FaultInjectionConfig config;

    @Inject
    Engine engine;

    void install(@Observes Router router) {
        if (!config.enabled()) {
            return;
        }
        Optional<FaultInjection> faults = engine.faultInjection();
        if (faults.isEmpty()) {
            // Not fatal: a drill setting left on must not keep a worker with a real engine down.
            LOG.warnf(
                    "Fault injection is enabled, but this worker's engine cannot be made to misbehave: %s is not served",
                    PATH);
            return;
        }
        LOG.warnf("Fault injection is enabled: POST %s can break this worker's engine", PATH);
        router.route(PATH).handler(BodyHandler.create().setBodyLimit(4096));
        router.post(PATH).handler(ctx -> inject(ctx, faults.get()));
    }

    private void inject(RoutingContext ctx, FaultInjection engine) {
        String text = ctx.body().asString();
        JsonNode body;
        try {
            body = JSON.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (Exception e) {
            send(ctx, 400, "Invalid JSON", e.getMessage());
            return;
        }
        String mode = body.path("mode").asText("").toLowerCase(Locale.ROOT);
        switch (mode) {
            case "heal" -> engine.heal();
            case "die" -> engine.injectFault(FaultMode.DIE);
            case "hang" -> engine.injectFault(FaultMode.HANG);
            case "stall_after_first_token" -> engine.injectFault(FaultMode.STALL_AFTER_FIRST_TOKEN);
            case "error_first_token" -> engine.injectFault(FaultMode.ERROR_FIRST_TOKEN);
            default -> {
                send(
                        ctx,
                        400,
                        "Invalid mode",
                        "expected mode die, hang, stall_after_first_token, error_first_token or heal; got '" + mode
                                + "'");
                return;
            }
        }
        LOG.warnf("Fault injected into the engine: %s", mode);
        ObjectNode answer = JSON.createObjectNode().put("mode", mode);
        ctx.response()
                .setStatusCode(200)
                .putHeader("content-type", "application/json")
                .end(answer.toString());
    }

    private static void send(RoutingContext ctx, int status, String error, String message) {
        StatusServerErrors.sendJson(ctx, status, error, message);
    }
}
