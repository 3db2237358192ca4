package dev.vigil.worker.canary;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.health.SystemHealth;
import dev.vigil.health.canary.CanaryScheduler;
import dev.vigil.health.canary.CanarySettings;
import dev.vigil.health.canary.EndpointActivity;
import dev.vigil.health.canary.TaskTimer;
import dev.vigil.health.metrics.CanaryMetrics;
import dev.vigil.runtime.Threads;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.time.Clock;
import dev.vigil.worker.config.CanaryConfig;
import dev.vigil.worker.endpoint.WorkerEndpoint;
import dev.vigil.worker.engine.Engine;

/**
 * The worker's canary: which endpoints have a payload (only {@code generate}, with the engine's
 * one-token request or {@code DYN_HEALTH_CHECK_PAYLOAD}), and, when {@code DYN_HEALTH_CHECK_ENABLED}
 * is on, the {@link CanaryScheduler} that checks them against the local engine. Off, nothing is
 * scheduled and no request is watched.
 */
@ApplicationScoped
public class CanaryChecks {

    @Inject
    CanaryConfig config;

    @Inject
    SystemHealth health;

    @Inject
    Engine engine;

    @Inject
    MeterRegistry registry;

    @Inject
    Clock clock;

    private String generatePayload;
    private ScheduledExecutorService executor;
    private CanaryScheduler scheduler;

    @PostConstruct
    void create() {
        generatePayload = HealthCheckPayload.resolve(config.payload(), json(engine.healthCheckRequest()));
        if (!config.enabled()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-canary"));
        scheduler = new CanaryScheduler(
                health,
                new CanarySettings(config.waitTime(), config.requestTimeout(), config.stallTimeout()),
                new EngineCanaryProbe(engine),
                TaskTimer.of(executor, clock::nanoTime),
                new CanaryMetrics(registry));
    }

    /** The manager starts with the process, as Dynamo's with the runtime; targets join as registered. */
    void start(@Observes StartupEvent event) {
        if (scheduler != null) {
            scheduler.start();
        }
    }

    /**
     * Registers {@code endpoint}'s canary payload, if it has one, before it is served. With the
     * canary off this still matters: a payload endpoint is what the worker's readiness waits for
     * when no endpoint list is configured (Dynamo's rule 2).
     */
    public void registerTarget(WorkerEndpoint endpoint) {
        if (endpoint == WorkerEndpoint.GENERATE) {
            health.registerCanaryTarget(endpoint.wireName(), generatePayload);
        }
    }

    /** The request path's hook for {@code endpoint}; does nothing with the canary off. */
    public EndpointActivity activity(WorkerEndpoint endpoint) {
        return scheduler == null ? EndpointActivity.NONE : scheduler.activity(endpoint.wireName());
    }

    /** The scheduler, when the canary is on. */
    public Optional<CanaryScheduler> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    /** Stops checking; called at the start of shutdown, before endpoints are marked stopped. */
    public void close() {
        if (scheduler != null) {
            scheduler.close();
            executor.shutdownNow();
        }
    }

    private static String json(GenerateRequest request) {
        return WireCodec.text(request);
    }
}
