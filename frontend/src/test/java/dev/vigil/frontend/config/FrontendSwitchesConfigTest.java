package dev.vigil.frontend.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.lifecycle.StartupFailure;
import dev.vigil.testing.ConfigMappings;

/** {@code DYN_DISABLE_FRONTEND_ADMIN_API} and {@code DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS}: defaults and bad values. */
class FrontendSwitchesConfigTest {

    @Test
    void dynamosDefaultsLeaveBothOff() {
        assertFalse(
                ConfigMappings.fromEnvironment(AdminApiConfig.class, Map.of()).disabled());
        assertEquals(
                0,
                ConfigMappings.fromEnvironment(FrontendHttpConfig.class, Map.of())
                        .sseKeepAliveIntervalMs());
    }

    @Test
    void valuesAreRead() {
        assertTrue(ConfigMappings.fromEnvironment(
                        AdminApiConfig.class, Map.of(EnvNames.DYN_DISABLE_FRONTEND_ADMIN_API, "true"))
                .disabled());
        assertEquals(
                15000,
                ConfigMappings.fromEnvironment(
                                FrontendHttpConfig.class, Map.of(EnvNames.DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS, "15000"))
                        .sseKeepAliveIntervalMs());
    }

    @Test
    void badValuesNameTheVariable() {
        RuntimeException flag = assertThrows(
                RuntimeException.class,
                () -> ConfigMappings.fromEnvironment(
                        AdminApiConfig.class, Map.of(EnvNames.DYN_DISABLE_FRONTEND_ADMIN_API, "yes")));
        assertEquals(
                List.of("Invalid configuration: DYN_DISABLE_FRONTEND_ADMIN_API=\"yes\": expected 'true' or 'false'"),
                StartupFailure.describe(flag));
        RuntimeException interval = assertThrows(
                RuntimeException.class,
                () -> ConfigMappings.fromEnvironment(
                        FrontendHttpConfig.class, Map.of(EnvNames.DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS, "-5")));
        assertEquals(
                List.of("Invalid configuration: DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS=\"-5\": expected an integer 0 or"
                        + " greater, such as 10"),
                StartupFailure.describe(interval));
    }
}
