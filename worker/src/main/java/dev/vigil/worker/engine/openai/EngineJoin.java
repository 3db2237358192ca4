package dev.vigil.worker.engine.openai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.runtime.time.Clock;

/**
 * The engine joining the worker: it counts as loaded once its health route answers 2xx ({@link
 * EngineHealth}) and its {@code /v1/models} lists the model (or exactly one model when none is
 * configured). Until then it is asked again at each {@link #step()}, and the wait is logged every
 * {@value #PROGRESS_LOG_SECS} s. There is no time limit: loading a model takes minutes, and the
 * orchestrator's startup probe bounds it. Before the join completes, the engine is asked once whether
 * it tokenizes on request ({@link TokenRoutes}), so the first request already knows.
 */
final class EngineJoin {

    /** Logged as the engine's own lines. */
    private static final Logger LOG = Logger.getLogger(OpenAiEngine.class);

    static final long PROGRESS_LOG_SECS = 10;

    private final OpenAiEngineSettings settings;
    private final EngineClient client;
    private final EngineHealth health;
    private final ObjectMapper json;
    private final Clock clock;
    /** Completed once the engine is loaded; failed when it never can be. */
    private final CompletableFuture<Void> ready;

    private volatile String model;
    /** Set once loaded when the engine tokenizes on request: migrations then continue token ids. */
    private volatile TokenRoutes tokenRoutes;

    private volatile long waitStarted;
    private long lastProgressLog;

    EngineJoin(
            OpenAiEngineSettings settings,
            EngineClient client,
            EngineHealth health,
            ObjectMapper json,
            Clock clock,
            CompletableFuture<Void> ready) {
        this.settings = settings;
        this.client = client;
        this.health = health;
        this.json = json;
        this.clock = clock;
        this.ready = ready;
    }

    /** The wait begins (its length is logged). */
    void begin() {
        waitStarted = clock.nanoTime();
    }

    /** The model name at the engine, once it is known. */
    String model() {
        return model;
    }

    /** The engine's tokenizer routes, when it has them; null otherwise. */
    TokenRoutes tokenRoutes() {
        return tokenRoutes;
    }

    /** One step of joining: health, then the model list. */
    void step() {
        health.check().onSuccess(check -> {
            if (check.error() != null) {
                progress("health check failed: " + check.error());
                return;
            }
            if (check.status() / 100 != 2) {
                progress("health answered HTTP " + check.status());
                return;
            }
            client.get("/v1/models").onComplete(models -> {
                if (models.failed()) {
                    progress("/v1/models failed: " + EngineMessages.message(models.cause()));
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
            TokenRoutes routes = new TokenRoutes(client::post, json);
            routes.available().onComplete(available -> {
                boolean yes = available.succeeded() && available.result();
                if (yes) {
                    tokenRoutes = routes;
                }
                LOG.infof(
                        "Engine ready at %s: model %s (after %d s); %s",
                        settings.url(),
                        name,
                        TimeUnit.NANOSECONDS.toSeconds(clock.nanoTime() - waitStarted),
                        yes
                                ? "it tokenizes on request (/tokenize): a migrated request continues its exact token ids"
                                : "no /tokenize: a migrated request continues its text");
                ready.complete(null);
            });
        }
    }

    /** Logs why the engine is not ready yet, at most every {@value #PROGRESS_LOG_SECS} s. */
    private synchronized void progress(String why) {
        long now = clock.nanoTime();
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
}
