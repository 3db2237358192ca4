package dev.vigil.worker.engine.openai;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.worker.config.EngineConfig;

/**
 * What the worker needs to put an OpenAI-compatible engine behind its endpoints.
 *
 * @param url the engine's base URL (routes such as {@code /v1/models} are added to it)
 * @param model the model name at the engine; empty: the one it lists
 * @param healthPath the engine's health route
 * @param apiKey the bearer token, from a file re-read when it changes
 * @param command the command line that starts the engine as the worker's child, if any
 * @param pollInterval how often the engine is checked: health while joining and after, load metrics
 * @param failuresToDie consecutive failed health checks after which the engine counts as dead
 * @param stopTimeout how long a child engine may take to stop after SIGTERM
 */
public record OpenAiEngineSettings(
        URI url,
        Optional<String> model,
        String healthPath,
        ApiKeySource apiKey,
        Optional<String> command,
        Duration pollInterval,
        int failuresToDie,
        Duration stopTimeout) {

    /** Health checks in a row that must fail before the engine is declared dead. */
    public static final int FAILURES_TO_DIE = 3;

    public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Where the API key comes from; opaque, so settings can be printed without it. */
    public record ApiKeySource(Optional<Path> file) {
        @Override
        public String toString() {
            return file.map(f -> "API key file " + f).orElse("no API key");
        }
    }

    /** The settings of {@code config}; a missing URL or an unreadable key file fails start-up. */
    public static OpenAiEngineSettings from(EngineConfig config) {
        URI url = config.url()
                .orElseThrow(() -> new ConfigurationException(ConfigProblem.line(EnvNames.DYN_ENGINE_URL
                        + " is required with " + EnvNames.DYN_ENGINE
                        + "=openai: expected the engine's base URL such as http://127.0.0.1:8000")));
        Optional<Path> keyFile = config.apiKeyFile().filter(s -> !s.isBlank()).map(Path::of);
        keyFile.ifPresent(file -> {
            try {
                ApiKey.fromFile(file);
            } catch (IOException e) {
                throw new ConfigurationException(ConfigProblem.line(
                        EnvNames.DYN_ENGINE_API_KEY_FILE, file, "expected a readable file holding the token"));
            }
        });
        return new OpenAiEngineSettings(
                url,
                config.model().map(String::strip).filter(s -> !s.isEmpty()),
                config.healthPath(),
                new ApiKeySource(keyFile),
                config.command().map(String::strip).filter(s -> !s.isEmpty()),
                POLL_INTERVAL,
                FAILURES_TO_DIE,
                STOP_TIMEOUT);
    }

    /** The same settings, checking the engine at another interval (tests). */
    public OpenAiEngineSettings withPollInterval(Duration interval) {
        return new OpenAiEngineSettings(url, model, healthPath, apiKey, command, interval, failuresToDie, stopTimeout);
    }

    ApiKey openApiKey() throws IOException {
        return apiKey.file().isPresent() ? ApiKey.fromFile(apiKey.file().get()) : ApiKey.none();
    }
}
