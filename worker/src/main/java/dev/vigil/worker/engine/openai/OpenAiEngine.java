package dev.vigil.worker.engine.openai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import dev.vigil.runtime.json.Json;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.SamplingOptions;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.TextInput;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.EngineCapacity;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;

/**
 * An OpenAI-compatible inference server (vLLM, SGLang, llama.cpp's {@code llama-server}, TGI, ...)
 * behind the worker: requests stream from its {@code /v1/completions} or {@code /v1/chat/completions}
 * (see {@link EngineRequest}, {@link EngineStream}), and the worker watches it from outside.
 *
 * <ul>
 *   <li><b>Start</b>: with {@code DYN_ENGINE_COMMAND} the engine process is started first. The
 *       engine counts as loaded once its health route answers 2xx and its {@code /v1/models} lists
 *       the model (or exactly one model when none is configured); until then it is asked every poll
 *       interval and the wait is logged every {@value #PROGRESS_LOG_SECS} s. There is no time limit:
 *       loading a model takes minutes, and the orchestrator's startup probe bounds it.
 *   <li><b>Dead</b>: once loaded, the health route is asked every poll interval; {@link
 *       OpenAiEngineSettings#failuresToDie()} failures in a row (no answer, or not 2xx), or the child
 *       process exiting, make the engine dead, and the engine monitor takes the worker down.
 *   <li><b>Token ids</b>: an engine that tokenizes on request ({@link TokenRoutes}) is asked for
 *       its token ids with the text, and a migrated request continues those ids exactly.
 *   <li><b>Load</b>: the engine's Prometheus {@code /metrics} is read at the same interval ({@link
 *       EngineMetrics}); without them, the requests in flight through this worker are the load.
 * </ul>
 *
 * <p>All I/O is Vert.x's non-blocking HTTP client; nothing here blocks a caller.
 */
public final class OpenAiEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(OpenAiEngine.class);
    static final long PROGRESS_LOG_SECS = 10;
    /** How long a health, models or metrics request may take. */
    private static final long PROBE_TIMEOUT_MS = 5000;
    /** Load metrics older than this are not trusted: the engine stopped reporting them. */
    private static final long METRICS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * The canary's default request: a one-token greedy completion of "Hello", the smallest request
     * every OpenAI-compatible server accepts. The token ids are for engines that need them.
     */
    public static final GenerateRequest HEALTH_CHECK_REQUEST = new GenerateRequest(
            null,
            List.of(9906),
            new StopConditions(1, null, null, null),
            new SamplingOptions(0.0, null, null),
            null,
            TextInput.completion("Hello"));

    private final Vertx vertx;
    private final OpenAiEngineSettings settings;
    private final ObjectMapper json = Json.WIRE;
    private final HttpClient http;
    private final ApiKey apiKey;
    private final ChildEngine child;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Set<EngineStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failures = new AtomicInteger();

    private boolean started;
    private volatile boolean closed;
    private volatile boolean dead;
    private volatile String model;
    private volatile boolean scrapeMetrics = true;
    private volatile EngineMetrics metrics;
    /** Set once loaded when the engine tokenizes on request: migrations then continue token ids. */
    private volatile TokenRoutes tokenRoutes;

    private volatile long metricsAt;
    private long timer = -1;
    private long waitStarted;
    private long lastProgressLog;

    public OpenAiEngine(Vertx vertx, OpenAiEngineSettings settings) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.settings = Objects.requireNonNull(settings, "settings");
        try {
            this.apiKey = settings.openApiKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        URI url = settings.url();
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) PROBE_TIMEOUT_MS)
                .setKeepAlive(true)
                // One connection per streaming request: the pool must not queue generations.
                .setMaxPoolSize(4096)
                .setSsl("https".equalsIgnoreCase(url.getScheme()))
                .setTrustAll(false)
                .setVerifyHost(true);
        this.http = vertx.createHttpClient(options);
        this.child = settings.command()
                .map(command -> new ChildEngine(command, settings.stopTimeout()))
                .orElse(null);
    }

    @Override
    public synchronized CompletionStage<Void> start() {
        if (!started) {
            started = true;
            waitStarted = System.nanoTime();
            if (child != null) {
                try {
                    child.start(this::childExited);
                } catch (IOException e) {
                    ready.completeExceptionally(
                            new IllegalStateException("could not start the engine process: " + e.getMessage(), e));
                    return ready.minimalCompletionStage();
                }
            }
            LOG.infof(
                    "Waiting for the engine at %s: health at %s, model %s",
                    settings.url(), settings.healthPath(), settings.model().orElse("(the one it lists)"));
            timer = vertx.setPeriodic(1, settings.pollInterval().toMillis(), id -> poll());
        }
        return ready.minimalCompletionStage();
    }

    /** The model name at the engine, once it is known (after {@link #start()} completed). */
    public String model() {
        return model;
    }

    private void childExited(int code) {
        dead = true;
        ready.completeExceptionally(new IllegalStateException("the engine process exited with code " + code));
    }

    private void poll() {
        if (closed) {
            return;
        }
        if (!ready.isDone()) {
            waitForEngine();
        } else if (!dead) {
            checkHealth();
            if (scrapeMetrics) {
                readMetrics();
            }
        }
    }

    /** One step of joining: health, then the model list. */
    private void waitForEngine() {
        get(settings.healthPath()).onComplete(health -> {
            if (health.failed()) {
                progress("health check failed: " + message(health.cause()));
                return;
            }
            if (health.result().status() / 100 != 2) {
                progress("health answered HTTP " + health.result().status());
                return;
            }
            get("/v1/models").onComplete(models -> {
                if (models.failed()) {
                    progress("/v1/models failed: " + message(models.cause()));
                } else if (models.result().status() / 100 != 2) {
                    progress("/v1/models answered HTTP " + models.result().status());
                } else {
                    choose(modelIds(models.result().body()));
                }
            });
        });
    }

    private void choose(List<String> listed) {
        if (ready.isDone()) {
            return;
        }
        String chosen = null;
        if (settings.model().isPresent()) {
            if (listed.contains(settings.model().get())) {
                chosen = settings.model().get();
            } else {
                progress("/v1/models lists " + listed + ", not "
                        + settings.model().get());
            }
        } else if (listed.size() == 1) {
            chosen = listed.get(0);
        } else if (listed.isEmpty()) {
            progress("/v1/models lists no model yet");
        } else {
            ready.completeExceptionally(new IllegalStateException("DYN_ENGINE_MODEL is unset and the engine at "
                    + settings.url() + " serves several models: " + String.join(", ", listed)
                    + "; set DYN_ENGINE_MODEL to one of them"));
            return;
        }
        if (chosen != null) {
            model = chosen;
            String name = chosen;
            // Asked before the worker counts the engine ready, so the first request already knows.
            TokenRoutes routes = new TokenRoutes(this::post, json);
            routes.available().onComplete(available -> {
                boolean yes = available.succeeded() && available.result();
                if (yes) {
                    tokenRoutes = routes;
                }
                LOG.infof(
                        "Engine ready at %s: model %s (after %d s); %s",
                        settings.url(),
                        name,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - waitStarted),
                        yes
                                ? "it tokenizes on request (/tokenize): a migrated request continues its exact token ids"
                                : "no /tokenize: a migrated request continues its text");
                ready.complete(null);
            });
        }
    }

    private synchronized void progress(String why) {
        long now = System.nanoTime();
        if (lastProgressLog == 0 || now - lastProgressLog >= TimeUnit.SECONDS.toNanos(PROGRESS_LOG_SECS)) {
            lastProgressLog = now;
            LOG.infof(
                    "Engine at %s not ready after %d s: %s",
                    settings.url(), TimeUnit.NANOSECONDS.toSeconds(now - waitStarted), why);
        }
    }

    private List<String> modelIds(String body) {
        List<String> ids = new ArrayList<>();
        try {
            JsonNode data = json.readTree(body).path("data");
            data.forEach(m -> {
                if (m.path("id").isTextual()) {
                    ids.add(m.path("id").asText());
                }
            });
        } catch (IOException | RuntimeException e) {
            progress("/v1/models answered something that is not a model list");
        }
        return ids;
    }

    private void checkHealth() {
        get(settings.healthPath()).onComplete(health -> {
            String failure = health.failed()
                    ? message(health.cause())
                    : health.result().status() / 100 == 2
                            ? null
                            : "HTTP " + health.result().status();
            if (failure == null) {
                int before = failures.getAndSet(0);
                if (before > 0) {
                    LOG.infof("Engine health check passed again after %d failures", before);
                }
                return;
            }
            int count = failures.incrementAndGet();
            LOG.warnf("Engine health check failed (%d of %d in a row): %s", count, settings.failuresToDie(), failure);
            if (count >= settings.failuresToDie() && !dead) {
                dead = true;
                LOG.errorf("Engine at %s failed %d health checks in a row: counting it as dead", settings.url(), count);
            }
        });
    }

    private void readMetrics() {
        get("/metrics").onComplete(answer -> {
            if (answer.failed()) {
                return;
            }
            if (answer.result().status() == 404) {
                scrapeMetrics = false;
                LOG.infof("Engine has no /metrics: load is the requests in flight through this worker");
                return;
            }
            if (answer.result().status() / 100 == 2) {
                EngineMetrics.parse(answer.result().body()).ifPresent(m -> {
                    metrics = m;
                    metricsAt = System.nanoTime();
                });
            }
        });
    }

    /** A short GET's status and body. */
    private record Answer(int status, String body) {}

    private Future<TokenRoutes.Reply> post(String path, ObjectNode body) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(settings.url() + path)
                .putHeader("content-type", "application/json")
                .setIdleTimeout(PROBE_TIMEOUT_MS);
        apiKey.header().ifPresent(value -> options.putHeader("authorization", value));
        return http.request(options)
                .compose(request -> request.send(Buffer.buffer(body.toString())))
                .compose(response -> response.body()
                        .map(answer ->
                                new TokenRoutes.Reply(response.statusCode(), answer.toString(StandardCharsets.UTF_8))));
    }

    private Future<Answer> get(String path) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(settings.url() + path)
                .setIdleTimeout(PROBE_TIMEOUT_MS);
        apiKey.header().ifPresent(value -> options.putHeader("authorization", value));
        return http.request(options).compose(request -> request.send()).compose(response -> response.body()
                .map(body -> new Answer(response.statusCode(), body.toString(StandardCharsets.UTF_8))));
    }

    @Override
    public Generation generate(String requestId, GenerateRequest request, TokenSink sink) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        if (closed) {
            sink.onEngineError("the engine was closed");
            return Ended.INSTANCE;
        }
        String engineModel = model;
        if (engineModel == null) {
            sink.onEngineError("the engine is not loaded yet");
            return Ended.INSTANCE;
        }
        TokenRoutes routes = tokenRoutes;
        EngineRequest byText = EngineRequest.of(request, engineModel, json, routes != null);
        EngineStream stream = new EngineStream(requestId, byText, sink, json, streams::remove);
        streams.add(stream);
        if (routes == null || TokenRoutes.priorIds(request).isEmpty()) {
            send(stream);
        } else {
            routes.continuation(request).onComplete(sequence -> {
                if (sequence.succeeded() && sequence.result().isPresent()) {
                    stream.request(EngineRequest.ofIds(
                            request, engineModel, sequence.result().get(), json));
                } else {
                    LOG.infof(
                            "Request %s continues from its text: the %d tokens generated so far are not this"
                                    + " engine's token ids for that text",
                            requestId, TokenRoutes.priorIds(request).size());
                }
                if (!stream.ended()) {
                    send(stream);
                }
            });
        }
        return stream;
    }

    /** Opens the engine request of {@code stream} and streams its answer into it. */
    private void send(EngineStream stream) {
        EngineRequest call = stream.request();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(settings.url() + call.path())
                .putHeader("content-type", "application/json")
                .putHeader("accept", "text/event-stream");
        apiKey.header().ifPresent(value -> options.putHeader("authorization", value));
        Buffer body = Buffer.buffer(call.body().toString());
        http.request(options).onComplete(opened -> {
            if (opened.failed()) {
                stream.failed(opened.cause());
                return;
            }
            stream.attach(opened.result());
            opened.result().send(body).onComplete(answered -> {
                if (answered.failed()) {
                    stream.failed(answered.cause());
                } else {
                    stream.response(answered.result());
                }
            });
        });
    }

    /** Nothing to clear: the engine manages its own prefix cache. */
    @Override
    public int clearKvBlocks() {
        return 0;
    }

    @Override
    public LoadMetrics loadMetrics(long workerId) {
        EngineMetrics m = metrics;
        int inFlight = streams.size();
        if (m == null || System.nanoTime() - metricsAt > METRICS_MAX_AGE_NANOS) {
            return new LoadMetrics(workerId, 0, 0, 0, 0, inFlight, 0);
        }
        return new LoadMetrics(
                workerId, m.usedBlocks(), m.totalBlocks(), 0, m.usedBlocks(), Math.max(m.running(), 0), m.waiting());
    }

    /** Unknown from outside: the model card publishes no KV cache, so the frontend checks no context length. */
    @Override
    public EngineCapacity capacity() {
        return new EngineCapacity(0, 16, 0);
    }

    @Override
    public boolean isDead() {
        return dead;
    }

    @Override
    public GenerateRequest healthCheckRequest() {
        return HEALTH_CHECK_REQUEST;
    }

    /** Requests streaming from the engine now. */
    public int inFlight() {
        return streams.size();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
        new ArrayList<>(streams).forEach(EngineStream::engineClosed);
        ready.completeExceptionally(new IllegalStateException("engine closed"));
        if (child != null) {
            child.stop();
        }
        http.close();
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The generation of a request that never started. */
    private enum Ended implements Generation {
        INSTANCE;

        @Override
        public void stop() {}

        @Override
        public void kill() {}

        @Override
        public void pause() {}

        @Override
        public void resume() {}
    }
}
