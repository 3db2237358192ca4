package dev.vigil.worker.lifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.runtime.Threads;
import dev.vigil.worker.engine.Engine;

/**
 * Checks the engine every {@link #CHECK_INTERVAL} (vLLM's engine monitor in Dynamo): a dead engine
 * takes the worker down with exit code 1, so its orchestrator replaces it instead of the worker
 * staying registered with nothing behind it.
 */
@ApplicationScoped
public class EngineMonitor {

    private static final Logger LOG = Logger.getLogger(EngineMonitor.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    @Inject
    Engine engine;

    @Inject
    WorkerLifecycle lifecycle;

    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-engine-monitor"));

    void start(@Observes StartupEvent event) {
        long ms = CHECK_INTERVAL.toMillis();
        timer.scheduleAtFixedRate(this::check, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (engine.isDead()) {
            LOG.error("Engine is dead: its requests fail and it will not recover");
            LOG.warn("Initiating Dynamo Runtime shutdown.");
            timer.shutdown();
            lifecycle.engineDied();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }
}
