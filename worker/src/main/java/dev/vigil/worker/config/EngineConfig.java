package dev.vigil.worker.config;

import java.net.URI;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.HttpPathConverter;

/**
 * Which engine the worker puts its health checks and fault tolerance in front of ({@code
 * DYN_ENGINE*}, Vigil's: Dynamo runs its engines in process). With {@code openai} the worker talks to
 * an OpenAI-compatible HTTP server; {@code DYN_MODEL_NAME} stays the name clients use at the
 * frontend.
 */
@ConfigMapping(prefix = "dyn")
public interface EngineConfig {

    /** {@code DYN_ENGINE}: {@code mock} (the built-in mock engine) or {@code openai}. */
    @WithName("engine")
    @WithDefault("mock")
    @WithConverter(EngineKind.Converter.class)
    EngineKind kind();

    /**
     * {@code DYN_ENGINE_URL}: base URL of the OpenAI-compatible engine, such as {@code
     * http://127.0.0.1:8000} (a trailing {@code /v1} is dropped); required with {@code openai}.
     */
    @WithName("engine.url")
    @WithConverter(EngineUrlConverter.class)
    Optional<URI> url();

    /**
     * {@code DYN_ENGINE_MODEL}: the model name at the engine. Unset: the one model its {@code
     * /v1/models} lists (several: start-up fails naming them).
     */
    @WithName("engine.model")
    Optional<String> model();

    /** {@code DYN_ENGINE_HEALTH_PATH}: the engine's health route; a 2xx answer means healthy. */
    @WithName("engine.health-path")
    @WithDefault("/health")
    @WithConverter(HttpPathConverter.class)
    String healthPath();

    /**
     * {@code DYN_ENGINE_API_KEY_FILE}: a file holding the bearer token sent to the engine, re-read
     * when it changes; the token is never logged.
     */
    @WithName("engine.api-key-file")
    Optional<String> apiKeyFile();

    /**
     * {@code DYN_ENGINE_COMMAND}: a command line (run by {@code /bin/sh}) that starts the engine as
     * the worker's child: the worker waits for it, stops it on shutdown and exits 1 if it exits.
     */
    @WithName("engine.command")
    Optional<String> command();
}
