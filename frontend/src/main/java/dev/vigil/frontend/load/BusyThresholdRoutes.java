package dev.vigil.frontend.load;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import dev.vigil.frontend.model.ServedModels;

/**
 * Dynamo's {@code GET}/{@code POST /busy_threshold}: read and change the busy thresholds of a
 * discovered model at run time. A POST with only {@code model} reads; with values it sets them.
 * Errors are {@code {"error": …}}: 400 for a decode threshold outside 0–1, 404 for a model not
 * discovered, 422 for a body that is not the expected JSON.
 */
@ApplicationScoped
public class BusyThresholdRoutes {

    static final String PATH = "/busy_threshold";
    static final String DECODE = "active_decode_blocks_threshold";
    static final String PREFILL = "active_prefill_tokens_threshold";
    static final String PREFILL_FRAC = "active_prefill_tokens_threshold_frac";

    @Inject
    BusyMonitor busy;

    @Inject
    ServedModels models;

    @Inject
    ObjectMapper json;

    void install(@Observes Router router) {
        router.route(PATH).handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.get(PATH).handler(this::list);
        router.post(PATH).handler(this::post);
    }

    private void list(RoutingContext ctx) {
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("thresholds");
        models.all().keySet().forEach(model -> list.add(view(model)));
        send(ctx, 200, body);
    }

    private void post(RoutingContext ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("model").isTextual()) {
            error(ctx, 422, "Expected a JSON object with a string field 'model'");
            return;
        }
        String model = body.get("model").asText();
        boolean setting = body.has(DECODE) || body.has(PREFILL) || body.has(PREFILL_FRAC);
        if (!setting) {
            send(ctx, 200, view(model));
            return;
        }
        if (models.find(model) == null) {
            error(ctx, 404, "Model '" + model + "' not found. Thresholds can only be set for discovered models.");
            return;
        }
        Thresholds current = busy.thresholds(model);
        Double decode = current.decodeBlocks();
        Integer prefill = current.prefillTokens();
        Double frac = current.prefillTokensFrac();
        if (body.has(DECODE)) {
            JsonNode v = body.get(DECODE);
            if (!v.isNull() && !v.isNumber()) {
                error(ctx, 422, DECODE + " must be a number or null");
                return;
            }
            decode = v.isNull() ? null : v.asDouble();
            if (decode != null && (decode < 0 || decode > 1)) {
                error(ctx, 400, DECODE + " must be between 0.0 and 1.0, got " + v.asText());
                return;
            }
        }
        if (body.has(PREFILL)) {
            JsonNode v = body.get(PREFILL);
            if (!v.isNull() && !(v.isIntegralNumber() && v.asLong() >= 0)) {
                error(ctx, 400, PREFILL + " must be a non-negative integer, got " + v.asText());
                return;
            }
            prefill = v.isNull() ? null : v.asInt();
        }
        if (body.has(PREFILL_FRAC)) {
            JsonNode v = body.get(PREFILL_FRAC);
            if (!v.isNull() && !(v.isNumber() && v.asDouble() >= 0)) {
                error(ctx, 400, PREFILL_FRAC + " must be a non-negative number, got " + v.asText());
                return;
            }
            frac = v.isNull() ? null : v.asDouble();
        }
        busy.setThresholds(model, new Thresholds(decode, prefill, frac));
        send(ctx, 200, view(model));
    }

    private ObjectNode view(String model) {
        Thresholds t = busy.thresholds(model);
        ObjectNode node = json.createObjectNode();
        node.put("model", model);
        if (t.decodeBlocks() == null) {
            node.putNull(DECODE);
        } else {
            node.put(DECODE, t.decodeBlocks());
        }
        if (t.prefillTokens() == null) {
            node.putNull(PREFILL);
        } else {
            node.put(PREFILL, t.prefillTokens());
        }
        if (t.prefillTokensFrac() == null) {
            node.putNull(PREFILL_FRAC);
        } else {
            node.put(PREFILL_FRAC, t.prefillTokensFrac());
        }
        return node;
    }

    private void error(RoutingContext ctx, int status, String message) {
        send(ctx, status, json.createObjectNode().put("error", message));
    }

    private static void send(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body.toString());
    }
}
