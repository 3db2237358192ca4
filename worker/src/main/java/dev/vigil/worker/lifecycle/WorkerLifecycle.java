package dev.vigil.worker.lifecycle;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.config.RuntimeConfig;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.lifecycle.EndpointServer;
import dev.vigil.runtime.lifecycle.Launcher;
import dev.vigil.runtime.lifecycle.ShutdownBudget;
import dev.vigil.runtime.lifecycle.ShutdownPlan;
import dev.vigil.runtime.lifecycle.ShutdownStage;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.worker.admission.AdmissionQueue;
import dev.vigil.worker.canary.CanaryChecks;
import dev.vigil.worker.config.WorkerConfig;
import dev.vigil.worker.drain.WorkerDrain;
import dev.vigil.worker.endpoint.EndpointHandlers;
import dev.vigil.worker.endpoint.EndpointHealthHook;
import dev.vigil.worker.endpoint.WorkerEndpoint;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.EngineCapacity;
import dev.vigil.worker.metrics.CancellationMetrics;
import dev.vigil.worker.metrics.DrainMetrics;
import dev.vigil.worker.metrics.EndpointMetrics;
import dev.vigil.worker.metrics.PlaneMetrics;
import dev.vigil.worker.metrics.ShutdownMetrics;
import dev.vigil.worker.status.StatusServerAddress;

/**
 * Brings the worker into the cluster and takes it out again: load the engine, then serve its
 * endpoints through the runtime's {@link EndpointServer} (serve, mark served in health, register in
 * discovery), then register the model and start publishing load. On shutdown: stop the canary,
 * deregister the model, let the {@link EndpointServer} deregister, stop accepting and drain, then
 * revoke the lease. What is the worker's own here: the canary, the model card, the load publisher,
 * the engine, and what a lost lease or a dead engine changes.
 */
@ApplicationScoped
public class WorkerLifecycle {

    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);

    @Inject
    Discovery discovery;

    /** The whole plane, not one side: the worker serves on it, publishes its load on it and closes it last. */
    @Inject
    RequestPlane plane;

    @Inject
    EndpointHealthHook health;

    @Inject
    RuntimeConfig runtime;

    @Inject
    WorkerConfig worker;

    @Inject
    StatusServerAddress statusServer;

    @Inject
    Engine engine;

    @Inject
    AdmissionQueue admission;

    @Inject
    CanaryChecks canary;

    @Inject
    MeterRegistry registry;

    @Inject
    ShutdownMetrics shutdownMetrics;

    @Inject
    Clock clock;

    @Inject
    WorkerDrain drain;

    private EndpointServer endpoints;
    private final Map<WorkerEndpoint, EndpointMetrics> endpointMetrics = new EnumMap<>(WorkerEndpoint.class);
    private Runnable cancelled;
    private LoadPublisher loadPublisher;
    private volatile ModelCard modelCard;
    private volatile boolean stopping;
    private volatile boolean leaseLost;
    private volatile boolean engineDead;

    @PostConstruct
    void create() {
        endpoints = new EndpointServer(plane, discovery, health, clock);
    }

    /**
     * Each endpoint's request series exist, at 0, before the engine loads; registered ahead of the
     * other start-up observers (default priority 2500), since the status server already answers
     * scrapes while they run and {@link #start} first connects to etcd.
     */
    void registerMetrics(@Observes @Priority(10) StartupEvent event) {
        for (WorkerEndpoint endpoint : WorkerEndpoint.values()) {
            endpointMetrics.put(
                    endpoint,
                    new EndpointMetrics(registry, runtime.namespace(), worker.component(), endpoint.wireName()));
        }
        cancelled = cancellations();
        DrainMetrics.register(
                registry,
                java.util.Arrays.stream(WorkerDrain.State.values())
                        .map(WorkerDrain.State::wireName)
                        .toList(),
                () -> drain.status().state().wireName());
    }

    void start(@Observes StartupEvent event) {
        PlaneMetrics.register(registry, plane);
        // Touching discovery connects to etcd and grants the lease now, so a worker that cannot reach
        // etcd fails at start-up and says so, instead of running unreachable.
        InstanceId id = discovery.instanceId();
        discovery.onLeaseLost(() -> {
            LOG.error("Lease lost: this worker's registrations are gone; exiting so it can be restarted");
            leaseLost = true;
            Launcher.exitCodeAtLeast(1);
            Quarkus.asyncExit(1);
        });
        LOG.infof("Loading the engine (instance %s)", id.hex());
        // Join once the engine is loaded and the status server listens (its address is published).
        engine.start()
                .thenCombine(statusServer.url(), (ignored, statusUrl) -> statusUrl)
                .thenAcceptAsync(statusUrl -> join(id, statusUrl))
                .exceptionally(failure -> {
                    LOG.errorf(failure, "Worker failed to join the cluster: %s", failure.getMessage());
                    Quarkus.asyncExit(1);
                    return null;
                });
    }

    private synchronized void join(InstanceId id, String statusUrl) {
        if (stopping) {
            return;
        }
        EndpointHandlers handlers =
                new EndpointHandlers(engine, admission, id, canary::activity, cancelled, endpointMetrics::get, clock);
        for (WorkerEndpoint endpoint : WorkerEndpoint.values()) {
            EndpointId endpointId = new EndpointId(runtime.namespace(), worker.component(), endpoint.wireName());
            // Published with every endpoint, so a frontend's probes can reach this process's status server.
            Instance instance = endpointId.instance(id, plane.transport(endpointId, id), statusUrl);
            // The canary payload before the transport, as Dynamo registers it: with the canary on,
            // the endpoint is notready from the first moment it could be seen.
            canary.registerTarget(endpoint);
            endpoints.serve(instance, refusedWhileDraining(endpoint, handlers.forEndpoint(endpoint)));
        }
        drain.countInFlightWith(() -> endpoints.inFlight(WorkerEndpoint.GENERATE.wireName()));
        EndpointId generate =
                new EndpointId(runtime.namespace(), worker.component(), WorkerEndpoint.GENERATE.wireName());
        EngineCapacity capacity = engine.capacity();
        modelCard = new ModelCard(
                worker.modelName(),
                generate,
                id,
                capacity.kvTotalBlocks(),
                capacity.blockSize(),
                capacity.maxNumSeqs());
        discovery.registerModel(modelCard);
        loadPublisher = new LoadPublisher(plane, handlers::load, runtime.namespace(), id);
        loadPublisher.start();
        LOG.infof(
                "Worker ready: instance %s serving %s.%s.{generate,clear_kv_blocks,load_metrics}, model %s,"
                        + " system status at %s",
                id.hex(), runtime.namespace(), worker.component(), worker.modelName(), statusUrl);
    }

    /**
     * A draining worker answers a new generate request busy, so a frontend that has not seen its
     * draining mark yet sends it elsewhere at no cost to this worker; the other endpoints still answer.
     */
    private RequestHandler refusedWhileDraining(WorkerEndpoint endpoint, RequestHandler handler) {
        if (endpoint != WorkerEndpoint.GENERATE) {
            return handler;
        }
        return request -> {
            if (drain.refusing()) {
                request.failBusy("this worker is draining: it takes no new requests");
            } else {
                handler.handle(request);
            }
        };
    }

    /** Counts each cancelled request once: {@code dynamo_component_cancellation_total}. */
    private Runnable cancellations() {
        Counter counter = CancellationMetrics.counter(
                registry, runtime.namespace(), worker.component(), WorkerEndpoint.GENERATE.wireName());
        return counter::increment;
    }

    /**
     * The engine died (from {@link EngineMonitor}): leave the cluster and exit 1. No grace period and
     * no drain, since nothing sent here can succeed any more; the frontend migrates what was in flight.
     */
    void engineDied() {
        engineDead = true;
        Launcher.exitCodeAtLeast(1);
        Quarkus.asyncExit(1);
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        stopping = true;
        drain.shuttingDown();
        // One budget for the whole shutdown; every stage takes from it (DYN_WORKER_SHUTDOWN_*).
        ShutdownBudget budget =
                ShutdownBudget.start(worker.shutdownTotalTimeout(), worker.shutdownCleanupTimeout(), clock);
        if (loadPublisher != null) {
            loadPublisher.close();
        }
        // The canary stops first: a canary finishing after an endpoint was marked stopped would mark
        // it ready again.
        canary.close();
        if (leaseLost) {
            // Nothing to deregister (the keys went with the lease) and etcd is unreachable anyway:
            // stop at once, as Dynamo does, so the orchestrator restarts this worker promptly; the
            // frontend migrates what was cut off.
            endpoints.halt();
            cleanup(budget);
            return;
        }
        // The model leaves discovery first, so routers stop choosing this worker while it finishes
        // what it has; its endpoints follow.
        if (modelCard != null) {
            quietly("unregister model " + modelCard.name(), () -> discovery.unregisterModel(modelCard));
        }
        if (engineDead) {
            endpoints.leave();
        } else if (!endpoints.stop(new ShutdownPlan(
                budget, worker.shutdownRouterGrace(), worker.shutdownInFlightTimeout(), shutdownMetrics))) {
            // Not a clean stop: the cut-off requests are the frontend's to migrate (their streams end
            // when the plane closes below), and the exit code says so.
            Launcher.exitCodeAtLeast(1);
        }
        cleanup(budget);
    }

    /**
     * Last, revoke the lease (anything left registered goes with it), disconnect and stop the engine,
     * within the cleanup reserve: a stage that hangs (an unreachable etcd) must not keep the process
     * past its budget, where the orchestrator's SIGKILL would come instead.
     */
    private void cleanup(ShutdownBudget budget) {
        Duration allowance = budget.cleanupAllowance();
        shutdownMetrics.stage(
                ShutdownStage.CLEANUP, ShutdownStage.Reason.STARTED, Duration.ZERO, budget.remaining(), 0);
        long started = clock.nanoTime();
        Thread closer = Threads.startDaemon("vigil-shutdown-cleanup", () -> {
            quietly("close discovery", discovery::close);
            quietly("close the request plane", plane::close);
            engine.close();
        });
        boolean done;
        try {
            closer.join(Math.max(1, allowance.toMillis()));
            done = !closer.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            LOG.warnf("Shutdown cleanup did not finish within %d ms; exiting anyway", allowance.toMillis());
            Launcher.exitCodeAtLeast(1);
        }
        LOG.infof(
                "Shutdown stage cleanup %s after %d ms, %d ms of the budget left",
                done ? "completed" : "timed_out",
                clock.millisSince(started),
                budget.remaining().toMillis());
        shutdownMetrics.stage(
                ShutdownStage.CLEANUP,
                done ? ShutdownStage.Reason.COMPLETED : ShutdownStage.Reason.TIMED_OUT,
                Duration.ofNanos(clock.nanoTime() - started),
                budget.remaining(),
                0);
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warnf("Shutdown: could not %s: %s", what, e.getMessage());
        }
    }
}
