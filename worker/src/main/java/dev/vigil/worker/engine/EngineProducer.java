package dev.vigil.worker.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.worker.config.MockerConfig;

/**
 * The worker's one engine, shared by its endpoints and its canary. Created unstarted; {@code
 * WorkerLifecycle} starts it and closes it at shutdown. The one place that names an engine
 * implementation: a second engine is chosen here, and nothing else in the worker changes.
 */
@ApplicationScoped
public class EngineProducer {

    @Produces
    @Singleton
    Engine engine(MockerConfig config) {
        return new MockEngine(MockerSettings.from(config), Tokenizer.cl100k());
    }
}
