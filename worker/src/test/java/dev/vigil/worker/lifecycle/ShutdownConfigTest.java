package dev.vigil.worker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.lifecycle.StartupFailure;
import dev.vigil.testing.ConfigMappings;
import dev.vigil.worker.config.WorkerConfig;

/** The staged shutdown's variables (issue 15 §4): Dynamo's names, defaults and legacy aliases. */
class ShutdownConfigTest {

    static WorkerConfig fromEnvironment(Map<String, String> env) {
        return ConfigMappings.fromEnvironment(WorkerConfig.class, env);
    }

    @Test
    void dynamosDefaults() {
        WorkerConfig config = fromEnvironment(Map.of());
        assertEquals(Duration.ofSeconds(30), config.shutdownTotalTimeout());
        assertEquals(Duration.ofSeconds(5), config.shutdownRouterGrace());
        assertEquals(Optional.empty(), config.shutdownInFlightTimeout());
        assertEquals(Duration.ofSeconds(5), config.shutdownCleanupTimeout());
    }

    @Test
    void theLegacyNamesAreReadWhenTheNewOnesAreUnset() {
        WorkerConfig config = fromEnvironment(Map.of(
                EnvNames.DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT,
                "60",
                EnvNames.DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS,
                "2"));
        assertEquals(Duration.ofSeconds(60), config.shutdownTotalTimeout());
        assertEquals(Duration.ofSeconds(2), config.shutdownRouterGrace());
    }

    @Test
    void theNewNamesWin() {
        WorkerConfig config = fromEnvironment(Map.of(
                EnvNames.DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS, "90",
                EnvNames.DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT, "60",
                EnvNames.DYN_WORKER_SHUTDOWN_ROUTER_GRACE_SECS, "0",
                EnvNames.DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS, "2",
                EnvNames.DYN_WORKER_SHUTDOWN_INFLIGHT_TIMEOUT_SECS, "20",
                EnvNames.DYN_WORKER_SHUTDOWN_CLEANUP_TIMEOUT_SECS, "0"));
        assertEquals(Duration.ofSeconds(90), config.shutdownTotalTimeout());
        assertEquals(Duration.ZERO, config.shutdownRouterGrace());
        assertEquals(Optional.of(Duration.ofSeconds(20)), config.shutdownInFlightTimeout());
        assertEquals(Duration.ZERO, config.shutdownCleanupTimeout());
    }

    @Test
    void aBadValueNamesTheVariable() {
        RuntimeException failure = assertThrows(
                RuntimeException.class,
                () -> fromEnvironment(Map.of(EnvNames.DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS, "0")));
        assertEquals(
                List.of("Invalid configuration: DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS=\"0\": expected a whole number"
                        + " of seconds, at least 1"),
                StartupFailure.describe(failure));
    }
}
