package dev.vigil.worker.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.SecondsConverter;
import dev.vigil.runtime.config.StrictBooleanConverter;

/**
 * The canary health checks (Dynamo's {@code DYN_HEALTH_CHECK_*} and {@code DYN_CANARY_WAIT_TIME},
 * reference §3), plus Vigil's stall watchdog.
 */
@ConfigMapping(prefix = "dyn")
public interface CanaryConfig {

    /**
     * {@code DYN_HEALTH_CHECK_ENABLED}: canary health checks on or off; only {@code true} and {@code
     * false}. When on, an endpoint with a canary payload is ready only after a successful canary.
     */
    @WithName("health-check.enabled")
    @WithDefault("false")
    @WithConverter(StrictBooleanConverter.class)
    boolean enabled();

    /**
     * {@code DYN_CANARY_WAIT_TIME}: how long an endpoint may go without a successfully completed
     * request before a canary is sent, in whole seconds, 0 or more.
     */
    @WithName("canary-wait-time")
    @WithDefault("10")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration waitTime();

    /**
     * {@code DYN_HEALTH_CHECK_REQUEST_TIMEOUT}: how long a canary's whole stream may take, in whole
     * seconds, at least 1.
     */
    @WithName("health-check.request-timeout")
    @WithDefault("3")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Duration requestTimeout();

    /**
     * {@code DYN_HEALTH_CHECK_PAYLOAD}: the canary request instead of the engine's default, as inline
     * JSON or {@code @/path/file.json}. Read leniently, as Dynamo does: a value that is not a JSON
     * object is logged and the default is used (see {@code HealthCheckPayload}).
     */
    @WithName("health-check.payload")
    Optional<String> payload();

    /**
     * {@code DYN_HEALTH_CHECK_STALL_TIMEOUT}: with requests in flight and no token for this long, the
     * endpoint is not ready until a token or a successful canary; whole seconds, 0 turns it off.
     */
    @WithName("health-check.stall-timeout")
    @WithDefault("30")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration stallTimeout();
}
