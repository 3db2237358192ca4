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

import dev.vigil.frontend.config.AdminApiConfig;
import dev.vigil.frontend.model.ServedModels;

/**
 * Dynamo's {@code GET}/{@code POST /busy_threshold}: read and change the busy thresholds of a
 * discovered model at run time. A POST with only {@code model} reads; with values it sets them.
 * Errors are {@code {"error": …}}: 400 for a threshold that is out of range, not finite, of the
 * wrong type or overflowing (nothing is changed), 404 for a model not discovered, 422 for a body that
 * is not a JSON object with a string {@code model} (Dynamo's).
 */
@ApplicationScoped
public class BusyThresholdRoutes {

    static final String PATH = "/busy_threshold";
    static final String DECODE = "active_decode_blocks_threshold";
    static final String PREFILL = "active_prefill_tokens_threshold";
    static final String PREFILL_FRAC = "active_prefill_tokens_threshold_frac";

    /**
     * The largest multiple of a worker's batch size accepted as a prefill threshold: far beyond any
     * real queue, so it only rules out values that are mistakes (1e30, overflowing numbers).
     */
    static final double MAX_PREFILL_FRAC = 1_000_000;

    @Inject
    BusyMonitor busy;

    @Inject
    ServedModels models;

    @Inject
    ObjectMapper json;

    @Inject
    AdminApiConfig admin;

    void install(@Observes Router router) {
        if (admin.disabled()) {
            return;
        }
        router.route(PATH).handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
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
        // Every value is checked before any is applied: a rejected request changes nothing.
        if (body.has(DECODE)) {
            JsonNode v = body.get(DECODE);
            if (!v.isNull() && !v.isNumber()) {
                error(ctx, 400, DECODE + " must be a number between 0.0 and 1.0 or null, got " + v);
                return;
            }
            decode = v.isNull() ? null : v.asDouble();
            if (decode != null && !(decode >= 0 && decode <= 1)) {
                error(ctx, 400, DECODE + " must be between 0.0 and 1.0, got " + v.asText());
                return;
            }
        }
        if (body.has(PREFILL)) {
            JsonNode v = body.get(PREFILL);
            // canConvertToInt: 2147483648 would wrap to a negative threshold that every load exceeds.
            if (!v.isNull() && !(v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0)) {
                error(ctx, 400, PREFILL + " must be an integer from 0 to " + Integer.MAX_VALUE + " or null, got " + v);
                return;
            }
            prefill = v.isNull() ? null : v.asInt();
        }
        if (body.has(PREFILL_FRAC)) {
            JsonNode v = body.get(PREFILL_FRAC);
            double value = v.isNumber() ? v.asDouble() : Double.NaN;
            if (!v.isNull() && !(value >= 0 && value <= MAX_PREFILL_FRAC)) {
                error(
                        ctx,
                        400,
                        PREFILL_FRAC + " must be a number from 0 to " + (long) MAX_PREFILL_FRAC + " or null, got " + v);
                return;
            }
            frac = v.isNull() ? null : value;
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
