package dev.vigil.frontend.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.lifecycle.StartupFailure;
import dev.vigil.testing.ConfigMappings;

/** {@code DYN_RUNTIME_INHIBITED_DURATION_SECS}: Dynamo's name and default, whole seconds, 0 turns it off. */
class InhibitionConfigTest {

    static InhibitionConfig fromEnvironment(Map<String, String> env) {
        return ConfigMappings.fromEnvironment(InhibitionConfig.class, env);
    }

    @Test
    void dynamosDefaultIsFiveSeconds() {
        assertEquals(Duration.ofSeconds(5), fromEnvironment(Map.of()).inhibitedDuration());
    }

    @Test
    void zeroAndOtherWholeSecondsAreRead() {
        assertEquals(
                Duration.ZERO,
                fromEnvironment(Map.of(EnvNames.DYN_RUNTIME_INHIBITED_DURATION_SECS, "0"))
                        .inhibitedDuration());
        assertEquals(
                Duration.ofSeconds(30),
                fromEnvironment(Map.of(EnvNames.DYN_RUNTIME_INHIBITED_DURATION_SECS, "30"))
                        .inhibitedDuration());
    }

    @ParameterizedTest
    @CsvSource({"-1", "1.5", "5s", "abc"})
    void aBadValueNamesTheVariable(String value) {
        RuntimeException failure = assertThrows(
                RuntimeException.class,
                () -> fromEnvironment(Map.of(EnvNames.DYN_RUNTIME_INHIBITED_DURATION_SECS, value)));
        assertEquals(
                List.of("Invalid configuration: DYN_RUNTIME_INHIBITED_DURATION_SECS=\"" + value
                        + "\": expected a whole number of seconds, 0 or more"),
                StartupFailure.describe(failure));
    }
}
