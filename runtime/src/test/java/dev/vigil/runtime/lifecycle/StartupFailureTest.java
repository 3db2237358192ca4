package dev.vigil.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigValidationException;

class StartupFailureTest {

    private static ConfigValidationException.Problem conversion(String property, String value, String reason) {
        return new ConfigValidationException.Problem("SRCFG00039: The config property " + property
                + " with the config value \"" + value + "\" threw an Exception whilst being converted " + reason);
    }

    @Test
    void namesTheVariableTheValueAndWhatIsAccepted() {
        var failure = new RuntimeException(
                "Failed to start quarkus", new ConfigValidationException(new ConfigValidationException.Problem[] {
                    conversion("dyn.system.port", "abc", "expected an integer port 0-65535"),
                    conversion("quarkus.http.port", "abc", "SRCFG00029: Expected an integer value, got \"abc\"")
                }));
        assertEquals(
                List.of("Invalid configuration: DYN_SYSTEM_PORT=\"abc\": expected an integer port 0-65535"),
                StartupFailure.describe(failure));
    }

    @Test
    void oneLinePerBadVariable() {
        var failure = new ConfigValidationException(new ConfigValidationException.Problem[] {
            conversion("dyn.system.port", "x", "expected an integer port 0-65535"),
            conversion("dyn.system.starting-health-status", "Ready", "expected 'ready' or 'notready' (lower case)")
        });
        assertEquals(
                List.of(
                        "Invalid configuration: DYN_SYSTEM_PORT=\"x\": expected an integer port 0-65535",
                        "Invalid configuration: DYN_SYSTEM_STARTING_HEALTH_STATUS=\"Ready\": expected 'ready' or 'notready' (lower case)"),
                StartupFailure.describe(failure));
    }

    @Test
    void ourOwnConfigurationExceptionsPassThrough() {
        var failure = new RuntimeException(new ConfigurationException(
                "Invalid configuration: DYN_SYSTEM_LIVE_PATH=\"/health\": must differ from DYN_SYSTEM_HEALTH_PATH"));
        assertEquals(
                List.of(
                        "Invalid configuration: DYN_SYSTEM_LIVE_PATH=\"/health\": must differ from DYN_SYSTEM_HEALTH_PATH"),
                StartupFailure.describe(failure));
    }

    @Test
    void vigilsOwnExplanationWinsOverTheLowLevelCause() {
        var failure = new RuntimeException(
                "Failed to start quarkus",
                new RuntimeException(
                        "Error injecting",
                        new dev.vigil.runtime.discovery.DiscoveryException(
                                "Cannot reach etcd at http://127.0.0.1:1 (tried for 5 s)",
                                new java.net.ConnectException("Connection refused"))));
        assertEquals(
                List.of("Cannot reach etcd at http://127.0.0.1:1 (tried for 5 s)"), StartupFailure.describe(failure));
    }

    @Test
    void otherFailuresKeepTheirFirstLine() {
        var failure = new RuntimeException("outer", new IllegalStateException("Port 8081 in use\n\tat somewhere"));
        assertEquals(List.of("Port 8081 in use"), StartupFailure.describe(failure));
    }
}
