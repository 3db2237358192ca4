package dev.vigil.worker.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.worker.config.EngineConfig;
import dev.vigil.worker.config.MockerConfig;
import dev.vigil.worker.engine.openai.OpenAiEngine;
import dev.vigil.worker.engine.openai.OpenAiEngineSettings;

/**
 * The worker's one engine, shared by its endpoints and its canary. Created unstarted; {@code
 * WorkerLifecycle} starts it and closes it at shutdown. The one place that names an engine
 * implementation ({@code DYN_ENGINE}): nothing else in the worker knows which one it has.
 */
@ApplicationScoped
public class EngineProducer {

    @Produces
    @Singleton
    Engine engine(EngineConfig engine, MockerConfig mocker, Vertx vertx, Clock clock) {
        return switch (engine.kind()) {
            case MOCK -> new MockEngine(MockerSettings.from(mocker), Tokenizer.cl100k(), clock);
            case OPENAI -> new OpenAiEngine(vertx, OpenAiEngineSettings.from(engine), clock);
        };
    }
}
