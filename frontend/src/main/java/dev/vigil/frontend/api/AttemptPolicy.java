package dev.vigil.frontend.api;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.Vertx;

import dev.vigil.frontend.routing.RetryBudget;

/**
 * How one request's attempts are run: the backend stream timeout ({@code
 * DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS}) and the retries before its first token ({@code
 * DYN_RETRY_*}), with the timers both run on, and where the attempts' responses are handled: {@code
 * callbacks} runs the request plane's callbacks on the HTTP request's event loop, where the response
 * is written, so a token crosses one thread boundary on its way to the client, not two. {@code
 * overloadStatus} ({@code DYN_HTTP_OVERLOAD_STATUS_CODE}) answers a request every worker's engine
 * said it was too full to take. {@code clientStallTimeout} ({@code DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS})
 * cuts a streaming client that stopped reading.
 */
record AttemptPolicy(
        Vertx vertx,
        Duration streamTimeout,
        int maxRetries,
        int backoffBaseMs,
        int backoffMaxMs,
        RetryBudget budget,
        Executor callbacks,
        int overloadStatus,
        Duration clientStallTimeout) {

    StreamWatchdog.Settings watchdog() {
        return new StreamWatchdog.Settings(vertx, streamTimeout);
    }

    /**
     * The wait before retry {@code n} (1, 2, …): exponential with full jitter, uniform in [0, min(max,
     * base × 2^(n−1))], so retries from many requests spread out instead of arriving together.
     */
    long backoffMs(int n) {
        long ceiling = Math.min((long) backoffMaxMs, (long) backoffBaseMs << Math.min(n - 1, 20));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
