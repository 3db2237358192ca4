package dev.vigil.health.canary;

import java.time.Duration;
import java.util.Objects;

/**
 * The canary's timing.
 *
 * @param waitTime {@code DYN_CANARY_WAIT_TIME}: how long an endpoint may go without a successful
 *     request before a canary is sent; 0 sends the next canary as soon as the last one ended
 * @param requestTimeout {@code DYN_HEALTH_CHECK_REQUEST_TIMEOUT}: how long a canary's whole stream
 *     may take; more than 0
 * @param stallTimeout {@code DYN_HEALTH_CHECK_STALL_TIMEOUT}: how long requests may be in flight
 *     with no token produced before the endpoint is not ready; 0 turns the watchdog off
 */
public record CanarySettings(Duration waitTime, Duration requestTimeout, Duration stallTimeout) {

    public CanarySettings {
        Objects.requireNonNull(waitTime, "waitTime");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (waitTime.isNegative() || stallTimeout.isNegative()) {
            throw new IllegalArgumentException("wait time and stall timeout must be 0 or more");
        }
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("request timeout must be more than 0");
        }
    }

    public boolean watchdogEnabled() {
        return !stallTimeout.isZero();
    }
}
