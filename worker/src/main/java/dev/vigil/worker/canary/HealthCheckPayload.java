package dev.vigil.worker.canary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.json.Json;

/**
 * The canary payload of an endpoint: the engine's default, or {@code DYN_HEALTH_CHECK_PAYLOAD}. As in
 * Dynamo's {@code load_health_check_from_env}, a bad override is not fatal: it is logged as a WARN
 * and the default is used, so a typo in an optional setting cannot keep a worker from starting.
 */
public final class HealthCheckPayload {

    private static final Logger LOG = Logger.getLogger(HealthCheckPayload.class);
    /** Strict: {@code {"a":1} junk} is not JSON, whatever Jackson's lenient default says. */
    private static final ObjectMapper JSON = Json.STRICT;

    private HealthCheckPayload() {}

    /**
     * @param override the variable's value: inline JSON, or {@code @} and a file path
     * @param engineDefault the engine's payload, JSON text
     * @return compact JSON text of an object
     */
    public static String resolve(Optional<String> override, String engineDefault) {
        if (override.isEmpty() || override.get().isBlank()) {
            return engineDefault;
        }
        String value = override.get().strip();
        JsonNode parsed;
        try {
            parsed = value.startsWith("@")
                    ? JSON.readTree(Files.readString(Path.of(value.substring(1))))
                    : JSON.readTree(value);
        } catch (NoSuchFileException e) {
            return fallBack(
                    "Failed to parse %s: no such file: %s",
                    EnvNames.DYN_HEALTH_CHECK_PAYLOAD, e.getFile(), engineDefault);
        } catch (IOException | RuntimeException e) {
            return fallBack(
                    "Failed to parse %s: %s",
                    EnvNames.DYN_HEALTH_CHECK_PAYLOAD, ConfigProblem.firstLine(e.getMessage()), engineDefault);
        }
        if (parsed == null || !parsed.isObject()) {
            return fallBack(
                    "%s must be a JSON object. Got: %s",
                    EnvNames.DYN_HEALTH_CHECK_PAYLOAD,
                    parsed == null ? "nothing" : parsed.getNodeType().toString().toLowerCase(Locale.ROOT),
                    engineDefault);
        }
        if (parsed.isEmpty()) {
            // Dynamo's `load_health_check_from_env() or default` treats {} as unset.
            return engineDefault;
        }
        LOG.infof("Health check payload from %s: %s", EnvNames.DYN_HEALTH_CHECK_PAYLOAD, parsed);
        return parsed.toString();
    }

    private static String fallBack(String format, Object first, Object second, String engineDefault) {
        LOG.warnf(format + "; using the default health check payload", first, second);
        return engineDefault;
    }
}
