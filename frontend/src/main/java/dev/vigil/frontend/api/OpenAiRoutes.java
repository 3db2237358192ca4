package dev.vigil.frontend.api;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import dev.vigil.frontend.api.CompletionRequest.Kind;
import dev.vigil.frontend.config.FrontendHttpConfig;
import dev.vigil.frontend.config.LoadSheddingConfig;
import dev.vigil.frontend.metrics.AdmissionMetrics;
import dev.vigil.frontend.metrics.FrontendMetrics;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.frontend.metrics.PlaneMetrics;
import dev.vigil.frontend.metrics.RequestMetrics;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.frontend.routing.Admission;
import dev.vigil.frontend.routing.FailurePolicies;
import dev.vigil.frontend.routing.FailurePolicy;
import dev.vigil.frontend.routing.Router;
import dev.vigil.frontend.routing.StreamWatchdog;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.runtime.transport.PlaneClient;
import dev.vigil.runtime.transport.PlaneStatus;

/**
 * The OpenAI-compatible API: {@code GET /v1/models}, {@code POST /v1/chat/completions}, {@code POST
 * /v1/completions}, streaming (SSE ending with {@code data: [DONE]}) and not. Errors use Dynamo's
 * body: malformed JSON or a missing field → 400, unknown model → 404, known model with no live
 * instance → 503, every instance busy → 503 with {@code Retry-After}, a prompt the request plane
 * cannot carry → 413.
 */
@ApplicationScoped
public class OpenAiRoutes {

    /** Bodies larger than this are refused with 413 before they are buffered. */
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    /**
     * The Retry-After of the answer for a frontend at its own in-flight limit (Dynamo sends none): one
     * of its many requests ends soon. Refusals for busy workers estimate theirs ({@link
     * Router#retryAfterSecs}).
     */
    static final int RETRY_AFTER_SECS = 1;

    private static final Logger LOG = Logger.getLogger(OpenAiRoutes.class);

    @Inject
    ObjectMapper json;

    @Inject
    ServedModels models;

    @Inject
    Router router;

    @Inject
    PlaneClient plane;

    @Inject
    PlaneStatus planeStatus;

    @Inject
    FrontendMetrics metrics;

    @Inject
    RequestMetrics requestMetrics;

    @Inject
    LoadSheddingConfig shedding;

    @Inject
    FrontendHttpConfig http;

    @Inject
    FailurePolicies failurePolicies;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry registry;

    private final Tokenizer tokenizer = Tokenizer.cl100k();

    /** Completions being served now, against {@code DYN_HTTP_MAX_INFLIGHT_REQUESTS}. */
    private final java.util.concurrent.atomic.AtomicInteger serving = new java.util.concurrent.atomic.AtomicInteger();

    private io.micrometer.core.instrument.Counter inflightLimitRejected;

    // Vert.x's HTTP router, fully qualified: Router here is the instance router.
    void install(@Observes io.vertx.ext.web.Router http) {
        inflightLimitRejected = AdmissionMetrics.inflightLimitRejected(registry);
        PlaneMetrics.register(registry, planeStatus, plane);
        requestMetrics.modelReadiness(name -> {
            ServedModels.Model model = models.find(name);
            return model != null && router.routableCount(model) > 0;
        });
        // Before the body is read: a form is refused without its parts being decoded or stored.
        http.route("/v1/*").handler(this::refuseForms);
        http.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        http.get("/v1/models").handler(this::listModels);
        http.get("/v1/models/:model/ready").handler(this::modelReady);
        http.post("/v1/chat/completions").handler(ctx -> complete(ctx, Kind.CHAT));
        http.post("/v1/completions").handler(ctx -> complete(ctx, Kind.COMPLETION));
    }

    private void listModels(RoutingContext ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        models.all().values().stream().filter(router::servable).forEach(m -> {
            ObjectNode model = data.addObject();
            model.put("id", m.name());
            model.put("object", "model");
            model.put("created", 0);
            model.put("owned_by", "vigil");
        });
        ctx.response().putHeader("content-type", "application/json").end(body.toString());
    }

    /**
     * Per-model readiness (Dynamo's {@code /v1/models/{model}/ready}, without its prefill/decode
     * breakdown, which Vigil's aggregated workers do not have): 200 while at least one instance may
     * take the model's requests, 503 saying what is missing otherwise, 404 for a model nobody serves.
     */
    private void modelReady(RoutingContext ctx) {
        String name = ctx.pathParam("model");
        ServedModels.Model model = models.find(name);
        if (model == null) {
            ApiError.notFound("Model not found: " + name).sendTo(ctx.response(), http.errorFormat());
            return;
        }
        int routable = router.routableCount(model);
        if (routable == 0) {
            ApiError.unavailable(router.whyUnavailable(model)).sendTo(ctx.response(), http.errorFormat());
            return;
        }
        ObjectNode body = json.createObjectNode();
        body.put("model", name);
        body.put("status", "ready");
        body.put("routable_instances", routable);
        ctx.response().putHeader("content-type", "application/json").end(body.toString());
    }

    private void complete(RoutingContext ctx, Kind kind) {
        // The deadline counts from the request's arrival, whatever happens before it is sent.
        long arrivedNanos = clock.nanoTime();
        int limit = http.maxInflightRequests();
        if (serving.incrementAndGet() > limit) {
            serving.decrementAndGet();
            inflightLimitRejected.increment();
            metrics.dropped(MetricNames.UNKNOWN_MODEL, MetricNames.DROP_INFLIGHT_LIMIT);
            ApiError.frontendFull(shedding.overloadStatusCode(), limit, RETRY_AFTER_SECS)
                    .sendTo(ctx.response(), http.errorFormat());
            return;
        }
        // Released once, however the response ends: answered, failed, or the client gone.
        ctx.addEndHandler(ignored -> serving.decrementAndGet());
        RequestMetrics.Request tracked = null;
        String modelLabel = MetricNames.UNKNOWN_MODEL;
        try {
            JsonNode body = body(ctx);
            CompletionRequest request = CompletionRequest.parse(kind, body);
            // Counted from here, as Dynamo counts a request once it is parsed; a model nobody serves
            // is not put in a label (see MetricNames.UNKNOWN_MODEL).
            modelLabel = models.find(request.model()) == null ? MetricNames.UNKNOWN_MODEL : request.model();
            tracked = requestMetrics.start(modelLabel, kind.endpointLabel(), request.stream());
            DeadlineTimer deadline = DeadlineTimer.after(
                    clock,
                    arrivedNanos,
                    RequestDeadline.of(
                            ctx.request().getHeader(RequestDeadline.HEADER),
                            body,
                            http.requestTimeout(),
                            http.requestTimeoutMax()));
            List<Integer> prompt = tokenizer.encode(request.prompt());
            checkPromptFits(request, prompt.size());
            GenerateRequest generate = new GenerateRequest(
                    request.model(),
                    prompt,
                    new StopConditions(
                            request.maxTokens(),
                            request.stop().isEmpty() ? null : request.stop(),
                            null,
                            request.ignoreEos() ? Boolean.TRUE : null),
                    request.sampling(),
                    null,
                    request.text(),
                    request.priority());
            byte[] payload = WireCodec.encode(generate);
            if (payload.length > plane.maxPayloadBytes()) {
                throw ApiError.tooLargeForPlane(payload.length, plane.maxPayloadBytes());
            }
            Admission admission = router.admit(request.model());
            if (!(admission instanceof Admission.Routed routed)) {
                throw refusal(ctx, request, admission);
            }
            String requestId = requestId();
            long created = clock.now().getEpochSecond();
            ClientResponse client = new ClientResponse(ctx.response(), clock, http.errorFormat());
            // The request's own context (its event loop): responses are handled where they are written.
            io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
            if (request.stream()) {
                client.keepAlive(ctx.vertx(), http.sseKeepAliveIntervalMs());
            }
            OpenAiResponses responses = new OpenAiResponses(json, kind, requestId, request.model(), created);
            FailurePolicy policy = failurePolicies.forRequest(request.model(), kind.endpointLabel(), requestId);
            Generated generated = new Generated(generate, policy.mayMigrate(), !request.stream());
            RequestMetrics.Request counted = tracked;
            new MigrationOperator(
                            requestId,
                            payload,
                            generated,
                            policy,
                            new AttemptRun.Settings(
                                    plane,
                                    ctx.vertx(),
                                    new StreamWatchdog.Settings(ctx.vertx(), http.backendStreamTimeout(), clock),
                                    task -> context.runOnContext(v -> task.run())),
                            () -> router.retryAfterSecs(request.model()),
                            operator -> new ClientEnd(
                                    request,
                                    requestId,
                                    counted,
                                    client,
                                    responses,
                                    metrics,
                                    generated,
                                    http.clientStallTimeout(),
                                    deadline,
                                    new MigrationGap(clock, metrics, request.model()),
                                    operator,
                                    operator))
                    .start(routed.attempt());
        } catch (ApiError e) {
            if (tracked != null) {
                tracked.failed(e.status(), e.overload());
            }
            metrics.dropped(modelLabel, e.dropReason());
            e.sendTo(ctx.response(), http.errorFormat());
        }
    }

    /**
     * A random (version 4) UUID, as {@link UUID#randomUUID} gives, drawn from {@link
     * ThreadLocalRandom} instead of the shared {@code SecureRandom} (a lock and 16 bytes of the
     * system's entropy per request, 2–3 % of a unary request's CPU): the id must be unique
     * among requests, nothing guards anything with it being unguessable.
     */
    static String requestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xCL << 60)) | (0x8L << 60);
        return new UUID(high, low).toString();
    }

    /**
     * A prompt no instance can take is the client's mistake: 400 with vLLM's wording, before any
     * worker sees it (a worker would fail it, and the failure would count against the worker).
     */
    private void checkPromptFits(CompletionRequest request, int promptTokens) {
        String field = request.kind() == Kind.CHAT ? "messages" : "prompt";
        if (promptTokens == 0) {
            throw ApiError.badRequest("The prompt is empty: field '" + field + "' must hold at least one token");
        }
        ServedModels.Model model = models.find(request.model());
        if (model != null && model.contextTokens() > 0 && promptTokens >= model.contextTokens()) {
            throw ApiError.badRequest("This model's maximum context length is " + model.contextTokens()
                    + " tokens. However, your request has " + promptTokens
                    + " input tokens. Please reduce the length of the " + field + ".");
        }
    }

    /** The client error for a request the router did not admit. */
    private ApiError refusal(RoutingContext ctx, CompletionRequest request, Admission admission) {
        if (admission instanceof Admission.UnknownModel unknown) {
            return ApiError.notFound("Model not found: " + unknown.model());
        }
        if (admission instanceof Admission.AllBusy busy) {
            LOG.warnf(
                    "Rejecting request: all workers are busy (model %s, total_workers %d)",
                    request.model(), busy.instances());
            metrics.rejection(request.model(), request.kind().endpointLabel());
            return ApiError.allWorkersBusy(shedding.overloadStatusCode(), router.retryAfterSecs(request.model()));
        }
        return ApiError.unavailable(((Admission.Unavailable) admission).message());
    }

    /**
     * The body as JSON, parsed from its bytes: Jackson then rejects bytes that are not UTF-8, where
     * decoding to a string first would have replaced them silently.
     */
    /**
     * A form (multipart, or urlencoded as {@code curl -d} sends without a content type) is never a
     * completion request: 415, as Dynamo's JSON extractor answers. Other types are read as JSON.
     */
    private void refuseForms(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (media.startsWith("multipart/") || media.equals("application/x-www-form-urlencoded")) {
            ApiError.of(
                            415,
                            "Unsupported content type " + (media.length() > 60 ? media.substring(0, 60) + "…" : media)
                                    + ": send the request body as JSON with Content-Type: application/json")
                    .sendTo(ctx.response(), http.errorFormat());
            return;
        }
        ctx.next();
    }

    private JsonNode body(RoutingContext ctx) {
        Buffer buffer = ctx.body().buffer();
        JsonNode tree;
        try {
            tree = buffer == null ? null : json.readTree(buffer.getBytes());
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("Unreadable body: " + e.getMessage());
        }
        // Empty or only whitespace: Jackson reads "no content" rather than failing.
        if (tree == null || tree.isMissingNode()) {
            throw ApiError.badRequest("Request body is empty: expected a JSON object");
        }
        return tree;
    }
}
