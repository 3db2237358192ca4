package dev.vigil.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.lifecycle.StartupFailure;
import dev.vigil.testing.ConfigMappings;
import dev.vigil.worker.config.EngineConfig;
import dev.vigil.worker.config.EngineKind;
import dev.vigil.worker.engine.openai.OpenAiEngineSettings;

/** The DYN_ENGINE* variables: names, defaults, and what a bad value is told. */
class EngineConfigTest {

    static EngineConfig fromEnvironment(Map<String, String> env) {
        return ConfigMappings.fromEnvironment(EngineConfig.class, env);
    }

    @Test
    void theMockEngineIsTheDefault() {
        EngineConfig config = fromEnvironment(Map.of());
        assertEquals(EngineKind.MOCK, config.kind());
        assertEquals("/health", config.healthPath());
        assertEquals(Optional.empty(), config.url());
    }

    @Test
    void everyVariableIsRead() {
        EngineConfig config = fromEnvironment(Map.of(
                EnvNames.DYN_ENGINE, "OpenAI",
                EnvNames.DYN_ENGINE_URL, "http://10.0.0.5:8000/v1/",
                EnvNames.DYN_ENGINE_MODEL, "Qwen/Qwen3-0.6B",
                EnvNames.DYN_ENGINE_HEALTH_PATH, "/ready",
                EnvNames.DYN_ENGINE_COMMAND, "vllm serve Qwen/Qwen3-0.6B"));
        OpenAiEngineSettings settings = OpenAiEngineSettings.from(config);
        assertEquals(EngineKind.OPENAI, config.kind());
        assertEquals(URI.create("http://10.0.0.5:8000"), settings.url());
        assertEquals(Optional.of("Qwen/Qwen3-0.6B"), settings.model());
        assertEquals("/ready", settings.healthPath());
        assertEquals(Optional.of("vllm serve Qwen/Qwen3-0.6B"), settings.command());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "DYN_ENGINE|vllm|expected 'mock' or 'openai'",
                "DYN_ENGINE_URL|ftp://host:21|expected an http(s) base URL such as http://127.0.0.1:8000",
                "DYN_ENGINE_URL|127.0.0.1:8000|expected an http(s) base URL such as http://127.0.0.1:8000",
                "DYN_ENGINE_URL|http://host:8000/?x=1|expected an http(s) base URL such as http://127.0.0.1:8000",
                "DYN_ENGINE_HEALTH_PATH|health|expected a path starting with '/', such as /custom/health"
            })
    void aBadValueNamesTheVariableAndWhatIsExpected(String variable, String value, String expected) {
        Exception e = assertThrows(Exception.class, () -> fromEnvironment(Map.of(variable, value)));
        assertEquals(
                List.of("Invalid configuration: " + variable + "=\"" + value + "\": " + expected),
                StartupFailure.describe(e));
    }

    @Test
    void openaiWithoutAUrlFailsStartUpSayingWhatIsMissing() {
        EngineConfig config = fromEnvironment(Map.of(EnvNames.DYN_ENGINE, "openai"));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> OpenAiEngineSettings.from(config));
        assertTrue(e.getMessage().startsWith("Invalid configuration: DYN_ENGINE_URL is required"), e.getMessage());
    }

    @Test
    void anUnreadableApiKeyFileFailsStartUp() {
        EngineConfig config = fromEnvironment(Map.of(
                EnvNames.DYN_ENGINE, "openai",
                EnvNames.DYN_ENGINE_URL, "http://127.0.0.1:8000",
                EnvNames.DYN_ENGINE_API_KEY_FILE, "/nonexistent/token"));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> OpenAiEngineSettings.from(config));
        assertEquals(
                "Invalid configuration: DYN_ENGINE_API_KEY_FILE=\"/nonexistent/token\": expected a readable file"
                        + " holding the token",
                e.getMessage());
    }
}
