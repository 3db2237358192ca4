package dev.vigil.frontend.api;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import dev.vigil.frontend.api.CompletionRequest.Kind;
import dev.vigil.frontend.config.MigrationConfig;
import dev.vigil.frontend.health.KnownInstances;
import dev.vigil.frontend.load.BusyMonitor;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.frontend.probe.Probes;
import dev.vigil.frontend.routing.InstancePicker;
import dev.vigil.frontend.routing.Quarantine;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;

/**
 * The OpenAI-compatible API: {@code GET /v1/models}, {@code POST /v1/chat/completions}, {@code POST
 * /v1/completions}, streaming (SSE ending with {@code data: [DONE]}) and not. Errors use Dynamo's
 * body: malformed JSON or a missing field → 400, unknown model → 404, known model with no live
 * instance → 503.
 */
@ApplicationScoped
public class OpenAiRoutes {

    /** Bodies larger than this are refused with 413 before they are buffered. */
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    @Inject
    ObjectMapper json;

    @Inject
    ServedModels models;

    @Inject
    KnownInstances instances;

    @Inject
    InstancePicker picker;

    @Inject
    RequestPlane plane;

    @Inject
    Quarantine quarantine;

    @Inject
    Probes probes;

    @Inject
    FrontendMetrics metrics;

    @Inject
    MigrationConfig migration;

    @Inject
    BusyMonitor busy;

    /** Vigil adds Retry-After to the all-busy 503 (Dynamo sends none): clients back off this long. */
    static final int RETRY_AFTER_SECS = 1;

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(OpenAiRoutes.class);

    private final Tokenizer tokenizer = Tokenizer.cl100k();

    void install(@Observes Router router) {
        router.route("/v1/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
        router.get("/v1/models").handler(this::listModels);
        router.post("/v1/chat/completions").handler(ctx -> complete(ctx, Kind.CHAT));
        router.post("/v1/completions").handler(ctx -> complete(ctx, Kind.COMPLETION));
    }

    private void listModels(RoutingContext ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        List<Instance> known = routable();
        models.all().values().stream()
                .filter(m -> !m.instancesIn(known).isEmpty())
                .forEach(m -> {
                    ObjectNode model = data.addObject();
                    model.put("id", m.name());
                    model.put("object", "model");
                    model.put("created", 0);
                    model.put("owned_by", "vigil");
                });
        ctx.response().putHeader("content-type", "application/json").end(body.toString());
    }

    private void complete(RoutingContext ctx, Kind kind) {
        try {
            CompletionRequest request = CompletionRequest.parse(kind, body(ctx));
            ServedModels.Model model = models.find(request.model());
            if (model == null) {
                throw ApiError.notFound("Model not found: " + request.model());
            }
            List<Instance> live = model.instancesIn(routable());
            if (live.isEmpty()) {
                throw ApiError.unavailable(
                        model.instancesIn(instances.list()).isEmpty()
                                ? "Model temporarily unavailable: no live instance serves " + request.model()
                                : "Model temporarily unavailable: no instance of " + request.model()
                                        + " has passed its probes yet");
            }
            if (live.stream().allMatch(i -> busy.busy(request.model(), i.id()))) {
                LOG.warnf(
                        "Rejecting request: all workers are busy (model %s, total_workers %d)",
                        request.model(), live.size());
                metrics.rejection(request.model(), endpointLabel(kind));
                ctx.response().putHeader("retry-after", String.valueOf(RETRY_AFTER_SECS));
                throw ApiError.allWorkersBusy();
            }
            List<Integer> promptIds = tokenizer.encode(request.prompt());
            GenerateRequest generate = new GenerateRequest(
                    request.model(),
                    promptIds,
                    new StopConditions(
                            request.maxTokens(),
                            request.stop().isEmpty() ? null : request.stop(),
                            null,
                            request.ignoreEos() ? Boolean.TRUE : null),
                    null);
            String requestId = UUID.randomUUID().toString();
            new CompletionExchange(
                            ctx.response(),
                            request,
                            generate,
                            requestId,
                            json,
                            dispatcher(model, requestId),
                            metrics,
                            migration.limit(),
                            migration.maxSeqLen().orElse(null))
                    .start();
        } catch (ApiError e) {
            sendError(ctx.response(), e);
        }
    }

    /** The known instances that may receive traffic: all of them unless probes hold some back. */
    private List<Instance> routable() {
        return instances.list().stream().filter(i -> probes.routable(i.id())).toList();
    }

    /** Sends attempts of one request to the model's live, routable, non-quarantined instances. */
    private CompletionExchange.Dispatcher dispatcher(ServedModels.Model model, String requestId) {
        return new CompletionExchange.Dispatcher() {
            @Override
            public Optional<Instance> pick() {
                List<Instance> candidates = model.instancesIn(routable()).stream()
                        .filter(i -> !quarantine.contains(i.id()))
                        .toList();
                if (candidates.isEmpty()) {
                    return Optional.empty();
                }
                // Prefer workers that are not busy; a request already admitted (a migration) still
                // goes to a busy one rather than failing.
                List<Instance> free = candidates.stream()
                        .filter(i -> !busy.busy(model.name(), i.id()))
                        .toList();
                return Optional.of(picker.pick(free.isEmpty() ? candidates : free));
            }

            @Override
            public ResponseStream send(Instance target, GenerateRequest request, ResponseObserver observer) {
                return plane.call(target.natsSubject(), requestId, WireCodec.encode(request), observer);
            }

            @Override
            public void reportDown(Instance target) {
                quarantine.report(target.id());
            }
        };
    }

    static String endpointLabel(Kind kind) {
        return kind == Kind.CHAT ? "chat_completions" : "completions";
    }

    private JsonNode body(RoutingContext ctx) {
        String text = ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw ApiError.badRequest("Request body is empty: expected a JSON object");
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Invalid JSON: " + e.getOriginalMessage());
        }
    }

    static void sendError(HttpServerResponse response, ApiError error) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(error.status())
                .putHeader("content-type", "application/json")
                .end(error.toJson().toString());
    }
}
