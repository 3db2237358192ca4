package dev.vigil.worker.engine.openai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import dev.vigil.runtime.json.Json;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.SamplingOptions;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.TextInput;
import dev.vigil.runtime.time.Clock;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.EngineCapacity;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;

/**
 * An OpenAI-compatible inference server (vLLM, SGLang, llama.cpp's {@code llama-server}, TGI, ...)
 * behind the worker: requests stream from its {@code /v1/completions} or {@code /v1/chat/completions}
 * (see {@link EngineRequest}, {@link EngineStream}), and the worker watches it from outside, every
 * poll interval, over one {@link EngineClient}.
 *
 * <ul>
 *   <li><b>Start</b>: with {@code DYN_ENGINE_COMMAND} the engine process is started first ({@link
 *       ChildEngine}). The engine counts as loaded once its health route answers 2xx and its {@code
 *       /v1/models} lists the model ({@link EngineJoin}); there is no time limit.
 *   <li><b>Dead</b>: once loaded, the health route is asked every poll interval; {@link
 *       OpenAiEngineSettings#failuresToDie()} failures in a row ({@link EngineHealth}), or the child
 *       process exiting, make the engine dead, and the engine monitor takes the worker down.
 *   <li><b>Token ids</b>: an engine that tokenizes on request ({@link TokenRoutes}) is asked for
 *       its token ids with the text, and a migrated request continues those ids exactly.
 *   <li><b>Load</b>: the engine's Prometheus {@code /metrics} is read at the same interval ({@link
 *       EngineLoad}); without them, the requests in flight through this worker are the load.
 * </ul>
 *
 * <p>All I/O is Vert.x's non-blocking HTTP client; nothing here blocks a caller.
 */
public final class OpenAiEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(OpenAiEngine.class);

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
    private final EngineClient client;
    private final ChildEngine child;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final EngineHealth health;
    private final EngineJoin join;
    private final EngineLoad load;
    private final Set<EngineStream> streams = ConcurrentHashMap.newKeySet();

    private boolean started;
    private volatile boolean closed;
    private long timer = -1;

    public OpenAiEngine(Vertx vertx, OpenAiEngineSettings settings) {
        this(vertx, settings, Clock.SYSTEM);
    }

    /** @param clock measures how long the engine takes to load and how old its load metrics are */
    public OpenAiEngine(Vertx vertx, OpenAiEngineSettings settings, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        ApiKey apiKey;
        try {
            apiKey = settings.openApiKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.client = new EngineClient(vertx, settings.url(), apiKey);
        this.health = new EngineHealth(client, settings.url(), settings.healthPath(), settings.failuresToDie());
        this.join = new EngineJoin(settings, client, health, json, clock, ready);
        this.load = new EngineLoad(client, clock);
        this.child = settings.command()
                .map(command -> new ChildEngine(command, settings.stopTimeout(), clock))
                .orElse(null);
    }

    @Override
    public synchronized CompletionStage<Void> start() {
        if (!started) {
            started = true;
            join.begin();
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
        return join.model();
    }

    private void childExited(int code) {
        health.processExited();
        ready.completeExceptionally(new IllegalStateException("the engine process exited with code " + code));
    }

    private void poll() {
        if (closed) {
            return;
        }
        if (!ready.isDone()) {
            join.step();
        } else if (!health.dead()) {
            health.watch();
            load.scrape();
        }
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
        String engineModel = join.model();
        if (engineModel == null) {
            sink.onEngineError("the engine is not loaded yet");
            return Ended.INSTANCE;
        }
        TokenRoutes routes = join.tokenRoutes();
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
        Buffer body = Buffer.buffer(call.body().toString());
        client.openStream(call.path()).onComplete(opened -> {
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
        return load.loadMetrics(workerId, streams.size());
    }

    /** Unknown from outside: the model card publishes no KV cache, so the frontend checks no context length. */
    @Override
    public EngineCapacity capacity() {
        return new EngineCapacity(0, 16, 0);
    }

    @Override
    public boolean isDead() {
        return health.dead();
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
        client.close();
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
