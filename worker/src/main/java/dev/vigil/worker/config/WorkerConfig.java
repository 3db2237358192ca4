package dev.vigil.worker.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.NameConverter;
import dev.vigil.runtime.config.SecondsConverter;

/** What this worker is in the cluster: its component, the model it serves, how it stops. */
@ConfigMapping(prefix = "dyn")
public interface WorkerConfig {

    /** {@code DYN_COMPONENT}: the component the worker's endpoints belong to. */
    @WithDefault("backend")
    @WithConverter(NameConverter.class)
    String component();

    /** {@code DYN_MODEL_NAME}: the model name the worker registers and clients ask for. */
    @WithDefault("mock-model")
    String modelName();

    /**
     * {@code DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS}: the whole graceful shutdown, SIGTERM to exit, in
     * whole seconds ≥ 1; every stage fits in it. Unset: {@code DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT}
     * (Dynamo's legacy name for it), else 30.
     */
    @WithName("worker.shutdown-total-timeout-secs")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Optional<Duration> shutdownTotalTimeoutSetting();

    /** {@code DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT}: the legacy alias of the total. */
    @WithName("worker.graceful-shutdown-timeout")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Optional<Duration> legacyShutdownTimeout();

    /**
     * {@code DYN_WORKER_SHUTDOWN_ROUTER_GRACE_SECS}: after leaving discovery, how long the worker keeps
     * accepting requests that routers sent before they saw it leave; whole seconds ≥ 0. Unset: {@code
     * DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS} (the legacy name), else 5.
     */
    @WithName("worker.shutdown-router-grace-secs")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Optional<Duration> shutdownRouterGraceSetting();

    /** {@code DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS}: the legacy alias of the router grace. */
    @WithName("graceful-shutdown-grace-period-secs")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Optional<Duration> legacyGracePeriod();

    /**
     * {@code DYN_WORKER_SHUTDOWN_INFLIGHT_TIMEOUT_SECS}: the most the worker waits for requests in
     * flight once it stopped accepting; whole seconds ≥ 0. Unset: only the total bounds it.
     */
    @WithName("worker.shutdown-inflight-timeout-secs")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Optional<Duration> shutdownInFlightTimeout();

    /**
     * {@code DYN_WORKER_SHUTDOWN_CLEANUP_TIMEOUT_SECS}: the part of the total kept for the last stage
     * (revoke the lease, disconnect, stop the engine); whole seconds ≥ 0.
     */
    @WithName("worker.shutdown-cleanup-timeout-secs")
    @WithDefault("5")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration shutdownCleanupTimeout();

    /** The total budget: the new name, else the legacy one, else 30 s (Dynamo's defaults). */
    default Duration shutdownTotalTimeout() {
        return shutdownTotalTimeoutSetting().or(this::legacyShutdownTimeout).orElse(Duration.ofSeconds(30));
    }

    /** The router grace: the new name, else the legacy one, else 5 s. */
    default Duration shutdownRouterGrace() {
        return shutdownRouterGraceSetting().or(this::legacyGracePeriod).orElse(Duration.ofSeconds(5));
    }
}
