package dev.vigil.worker.config;

import java.time.Duration;

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
     * {@code DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS}: on SIGTERM, after leaving discovery, how long
     * the worker keeps accepting requests that routers sent before they saw it leave, in whole
     * seconds, 0 or more.
     */
    @WithName("graceful-shutdown-grace-period-secs")
    @WithDefault("5")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration gracefulShutdownGracePeriod();

    /**
     * {@code DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT}: on shutdown, how long requests in flight may run
     * to completion after the worker stopped accepting new ones, in whole seconds.
     */
    @WithName("worker.graceful-shutdown-timeout")
    @WithDefault("30")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Duration gracefulShutdownTimeout();
}
