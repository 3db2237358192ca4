package dev.vigil.worker.canary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.lifecycle.StartupFailure;
import dev.vigil.testing.ConfigMappings;
import dev.vigil.worker.config.CanaryConfig;

/** The canary's variables: names, defaults, and the one line a bad value stops start-up with. */
class CanaryConfigTest {

    static CanaryConfig fromEnvironment(Map<String, String> env) {
        return ConfigMappings.fromEnvironment(CanaryConfig.class, env);
    }

    @Test
    void dynamosDefaults() {
        CanaryConfig config = fromEnvironment(Map.of());
        assertFalse(config.enabled());
        assertEquals(Duration.ofSeconds(10), config.waitTime());
        assertEquals(Duration.ofSeconds(3), config.requestTimeout());
        assertEquals(Optional.empty(), config.payload());
        assertEquals(Duration.ofSeconds(30), config.stallTimeout());
    }

    @Test
    void everyVariableIsRead() {
        CanaryConfig config = fromEnvironment(Map.of(
                EnvNames.DYN_HEALTH_CHECK_ENABLED, "true",
                EnvNames.DYN_CANARY_WAIT_TIME, "0",
                EnvNames.DYN_HEALTH_CHECK_REQUEST_TIMEOUT, "7",
                EnvNames.DYN_HEALTH_CHECK_PAYLOAD, "@/etc/canary.json",
                EnvNames.DYN_HEALTH_CHECK_STALL_TIMEOUT, "0"));
        assertTrue(config.enabled());
        assertEquals(Duration.ZERO, config.waitTime());
        assertEquals(Duration.ofSeconds(7), config.requestTimeout());
        assertEquals(Optional.of("@/etc/canary.json"), config.payload());
        assertEquals(Duration.ZERO, config.stallTimeout());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "DYN_HEALTH_CHECK_ENABLED|1|expected 'true' or 'false'",
                "DYN_HEALTH_CHECK_ENABLED|TRUE|expected 'true' or 'false'",
                "DYN_CANARY_WAIT_TIME|abc|expected a whole number of seconds, 0 or more",
                "DYN_CANARY_WAIT_TIME|-1|expected a whole number of seconds, 0 or more",
                "DYN_CANARY_WAIT_TIME|1.5|expected a whole number of seconds, 0 or more",
                "DYN_HEALTH_CHECK_REQUEST_TIMEOUT|abc|expected a whole number of seconds, at least 1",
                "DYN_HEALTH_CHECK_REQUEST_TIMEOUT|-1|expected a whole number of seconds, at least 1",
                "DYN_HEALTH_CHECK_REQUEST_TIMEOUT|0|expected a whole number of seconds, at least 1",
                "DYN_HEALTH_CHECK_STALL_TIMEOUT|-1|expected a whole number of seconds, 0 or more",
                "DYN_HEALTH_CHECK_STALL_TIMEOUT|30s|expected a whole number of seconds, 0 or more"
            })
    void aBadValueNamesTheVariableAndWhatIsExpected(String variable, String value, String expected) {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> fromEnvironment(Map.of(variable, value)));
        assertEquals(
                List.of("Invalid configuration: " + variable + "=\"" + value + "\": " + expected),
                StartupFailure.describe(failure));
    }
}
