package dev.vigil.worker.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.runtime.config.RuntimeConfig;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.lifecycle.Launcher;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.EventSubjects;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.worker.config.WorkerConfig;
import dev.vigil.worker.endpoint.EndpointHandlers;
import dev.vigil.worker.endpoint.EndpointHealthHook;
import dev.vigil.worker.endpoint.WorkerEndpoint;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.EngineCapacity;
import dev.vigil.worker.health.CanaryChecks;
import dev.vigil.worker.health.StatusServerAddress;

/**
 * Brings the worker into the cluster and takes it out again, in the order that keeps every request
 * answerable: load the engine, then per endpoint serve it on the request plane, mark it served in
 * health, and only then register it in discovery. On shutdown the reverse: deregister, stop accepting,
 * drain, revoke the lease.
 */
@ApplicationScoped
public class WorkerLifecycle {

    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);

    /** How often the worker publishes its load on the event plane for the frontend's busy detection. */
    static final Duration LOAD_PUBLISH_INTERVAL = Duration.ofSeconds(1);

    @Inject
    Discovery discovery;

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
    CanaryChecks canary;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private final List<Registered> registered = new ArrayList<>();
    private final ScheduledExecutorService loadPublisher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-load-publisher");
        t.setDaemon(true);
        return t;
    });
    private volatile ModelCard modelCard;
    private volatile boolean stopping;
    private volatile boolean leaseLost;
    private volatile boolean engineDead;

    private record Registered(WorkerEndpoint endpoint, Instance instance, ServedEndpoint served) {}

    void start(@Observes StartupEvent event) {
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
        EndpointHandlers handlers = new EndpointHandlers(engine, id, canary::activity, cancellations(id));
        for (WorkerEndpoint endpoint : WorkerEndpoint.values()) {
            EndpointId endpointId = new EndpointId(runtime.namespace(), worker.component(), endpoint.wireName());
            // Published with every endpoint, so a frontend's probes can reach this process's status server.
            Instance instance = endpointId.instance(id, statusUrl);
            // 0. The canary payload before the transport, as Dynamo registers it: with the canary
            //    on, the endpoint is notready from the first moment it could be seen.
            canary.registerTarget(endpoint);
            // 1. Transport first: serve() returns once the subject accepts requests.
            ServedEndpoint served = plane.serve(instance.natsSubject(), handlers.forEndpoint(endpoint));
            // 2. Then health: /health never says ready for an endpoint that cannot take a request.
            health.served(endpoint);
            // 3. Discovery last: the frontend only learns of endpoints that already answer.
            discovery.register(instance);
            registered.add(new Registered(endpoint, instance, served));
        }
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
        String subject = EventSubjects.loadMetrics(runtime.namespace());
        long interval = LOAD_PUBLISH_INTERVAL.toMillis();
        loadPublisher.scheduleAtFixedRate(() -> publishLoad(subject, id), interval, interval, TimeUnit.MILLISECONDS);
        LOG.infof(
                "Worker ready: instance %s serving %s.%s.{generate,clear_kv_blocks,load_metrics}, model %s,"
                        + " system status at %s",
                id.hex(), runtime.namespace(), worker.component(), worker.modelName(), statusUrl);
    }

    /** Counts each cancelled request once: {@code dynamo_component_cancellation_total}. */
    private Runnable cancellations(InstanceId id) {
        io.micrometer.core.instrument.Counter counter = registry.counter(
                "dynamo.component.cancellation",
                "dynamo_namespace",
                runtime.namespace(),
                "dynamo_component",
                worker.component(),
                "dynamo_endpoint",
                WorkerEndpoint.GENERATE.wireName());
        return counter::increment;
    }

    private void publishLoad(String subject, InstanceId id) {
        try {
            plane.publish(subject, WireCodec.encode(engine.loadMetrics(id.value())));
        } catch (Exception e) {
            LOG.debugf("Could not publish load: %s", e.getMessage());
        }
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
        loadPublisher.shutdownNow();
        // The canary stops first: a canary finishing after an endpoint was marked stopped would mark
        // it ready again.
        canary.close();
        if (leaseLost) {
            // Nothing to deregister (the keys went with the lease) and etcd is unreachable anyway:
            // stop at once, as Dynamo does, so the orchestrator restarts this worker promptly; the
            // frontend migrates what was cut off.
            registered.forEach(r -> {
                r.served().close();
                health.stopped(r.endpoint());
            });
            quietly("close the request plane", plane::close);
            engine.close();
            return;
        }
        // Deregister first, so routers stop choosing this worker while it finishes what it has.
        if (modelCard != null) {
            quietly("unregister model " + modelCard.name(), () -> discovery.unregisterModel(modelCard));
        }
        for (Registered r : registered) {
            quietly("unregister " + r.instance().natsSubject(), () -> discovery.unregister(r.instance()));
        }
        // Keep accepting for a while: routers that picked this worker before their watch delivered
        // the deregistration still send requests, and those must land, not bounce.
        int grace = worker.gracefulShutdownGracePeriodSecs();
        if (!registered.isEmpty() && grace > 0 && !engineDead) {
            LOG.infof("Grace period %d s before stopping endpoints", grace);
            pause(Duration.ofSeconds(grace));
        }
        // Then stop accepting and report it.
        for (Registered r : registered) {
            r.served().close();
            health.stopped(r.endpoint());
        }
        if (!engineDead) {
            drain(worker.gracefulShutdownTimeout());
        }
        // Last, revoke the lease (anything left registered goes with it) and disconnect.
        quietly("close discovery", discovery::close);
        quietly("close the request plane", plane::close);
        engine.close();
    }

    private void drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int inFlight = inFlight();
        if (inFlight > 0) {
            LOG.infof("Waiting for %d in-flight requests to complete (at most %d s)", inFlight, timeout.toSeconds());
        }
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(50));
        }
        if (inFlight() > 0) {
            LOG.warnf("%d requests still in flight after %d s; stopping anyway", inFlight(), timeout.toSeconds());
            // Not a clean stop: the cut-off requests are the frontend's to migrate, and the exit code says so.
            Launcher.exitCodeAtLeast(1);
        } else if (inFlight > 0) {
            LOG.info("All in-flight requests completed");
        }
    }

    /** Waits on the shutdown thread; an interrupt ends the wait early and is kept. */
    private static void pause(Duration duration) {
        try {
            new CompletableFuture<Void>().get(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException elapsed) {
            // the normal way out
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private int inFlight() {
        return registered.stream().mapToInt(r -> r.served().inFlight()).sum();
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warnf("Shutdown: could not %s: %s", what, e.getMessage());
        }
    }
}
