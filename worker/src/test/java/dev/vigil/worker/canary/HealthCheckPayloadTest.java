package dev.vigil.worker.canary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vigil.testing.LogCapture;

/** DYN_HEALTH_CHECK_PAYLOAD: inline JSON or @file; anything else is a WARN and the default. */
class HealthCheckPayloadTest {

    static final String DEFAULT = "{\"token_ids\":[1,2]}";

    @Test
    void unsetOrEmptyIsTheEngineDefault() {
        assertEquals(DEFAULT, HealthCheckPayload.resolve(Optional.empty(), DEFAULT));
        assertEquals(DEFAULT, HealthCheckPayload.resolve(Optional.of(" "), DEFAULT));
        assertEquals(DEFAULT, HealthCheckPayload.resolve(Optional.of("{}"), DEFAULT), "Dynamo: {} counts as unset");
    }

    @Test
    void inlineJsonObjectIsUsedCompacted() {
        assertEquals(
                "{\"token_ids\":[7],\"stop_conditions\":{\"max_tokens\":1}}",
                HealthCheckPayload.resolve(
                        Optional.of("{ \"token_ids\": [7], \"stop_conditions\": {\"max_tokens\": 1} }"), DEFAULT));
    }

    @Test
    void atPathReadsTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("canary.json");
        Files.writeString(file, "{\"token_ids\":[3,4]}\n");
        assertEquals("{\"token_ids\":[3,4]}", HealthCheckPayload.resolve(Optional.of("@" + file), DEFAULT));
    }

    @Test
    void aMissingFileIsAWarningAndTheDefault(@TempDir Path dir) {
        try (LogCapture logs = LogCapture.of(HealthCheckPayload.class)) {
            Path missing = dir.resolve("nope.json");
            assertEquals(DEFAULT, HealthCheckPayload.resolve(Optional.of("@" + missing), DEFAULT));
            assertEquals(
                    List.of("WARN Failed to parse DYN_HEALTH_CHECK_PAYLOAD: no such file: " + missing
                            + "; using the default health check payload"),
                    logs.lines());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "{\"a\":1} trailing", "token_ids=[1]"})
    void invalidJsonIsAWarningAndTheDefault(String value) {
        try (LogCapture logs = LogCapture.of(HealthCheckPayload.class)) {
            assertEquals(DEFAULT, HealthCheckPayload.resolve(Optional.of(value), DEFAULT));
            assertEquals(1, logs.lines().size(), logs.lines().toString());
            assertTrue(
                    logs.lines().get(0).startsWith("WARN Failed to parse DYN_HEALTH_CHECK_PAYLOAD: "),
                    logs.lines().get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null"})
    void aJsonValueThatIsNotAnObjectIsAWarningAndTheDefault(String value) {
        try (LogCapture logs = LogCapture.of(HealthCheckPayload.class)) {
            assertEquals(DEFAULT, HealthCheckPayload.resolve(Optional.of(value), DEFAULT));
            assertEquals(1, logs.lines().size(), logs.lines().toString());
            assertTrue(
                    logs.lines().get(0).startsWith("WARN DYN_HEALTH_CHECK_PAYLOAD must be a JSON object. Got: "),
                    logs.lines().get(0));
        }
    }
}
