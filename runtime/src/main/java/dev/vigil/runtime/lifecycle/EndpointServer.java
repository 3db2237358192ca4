package dev.vigil.runtime.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.PlaneServer;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.ServedEndpoint;

/**
 * Brings a process's endpoints into the cluster and takes them out again, in the order that keeps
 * every request answerable. Each endpoint is served on the request plane, then marked served through
 * the {@link EndpointObserver}, and only then registered in discovery. A graceful {@link #stop}
 * runs the reverse: unregister, keep accepting for a grace period, stop accepting and mark stopped,
 * then wait for the requests in flight to drain.
 *
 * <p>The process's discovery client and request plane are not closed here: the app shares them with
 * other registrations (a model card) and closes them last, which revokes the lease.
 *
 * <p>Thread-safe; {@link #stop}, {@link #leave} and {@link #halt} are meant to be called once, at
 * shutdown.
 */
public final class EndpointServer {

    private static final Logger LOG = Logger.getLogger(EndpointServer.class);

    private final PlaneServer plane;
    private final Discovery discovery;
    private final EndpointObserver observer;
    private final Clock clock;
    private final List<Served> served = new ArrayList<>();

    private record Served(Instance instance, ServedEndpoint endpoint) {}

    public EndpointServer(PlaneServer plane, Discovery discovery, EndpointObserver observer) {
        this(plane, discovery, observer, Clock.SYSTEM);
    }

    /** @param clock what the stages' durations and {@link #stop(Duration, Duration)}'s budget are measured on */
    public EndpointServer(PlaneServer plane, Discovery discovery, EndpointObserver observer, Clock clock) {
        this.plane = Objects.requireNonNull(plane, "plane");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Serves {@code instance} with {@code handler} and announces it. Returns once it is registered.
     *
     * @throws RuntimeException from the plane or discovery; an endpoint served but not registered
     *     is still stopped by {@link #stop}
     */
    public void serve(Instance instance, RequestHandler handler) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(handler, "handler");
        // 1. Transport first: serve() returns once the subject accepts requests.
        ServedEndpoint endpoint = plane.serve(instance.address(), handler);
        synchronized (this) {
            served.add(new Served(instance, endpoint));
        }
        // 2. Then health: /health never says ready for an endpoint that cannot take a request.
        observer.served(instance.endpoint());
        // 3. Discovery last: the frontend only learns of endpoints that already answer.
        discovery.register(instance);
    }

    /** Requests in flight now on the served endpoint named {@code endpoint} ({@code generate}); 0 if not served. */
    public synchronized int inFlight(String endpoint) {
        int total = 0;
        for (Served s : served) {
            if (s.instance().endpoint().equals(endpoint)) {
                total += s.endpoint().inFlight();
            }
        }
        return total;
    }

    /** Whether any endpoint is being served (or was, before a stop). */
    public synchronized boolean isEmpty() {
        return served.isEmpty();
    }

    /**
     * The graceful stop with a plain grace period and drain timeout (a budget of their sum).
     *
     * @return whether every request in flight ended within {@code drainTimeout}
     */
    public boolean stop(Duration grace, Duration drainTimeout) {
        return stop(new ShutdownPlan(
                ShutdownBudget.start(grace.plus(drainTimeout), Duration.ZERO, clock),
                grace,
                Optional.of(drainTimeout),
                ShutdownObserver.NONE));
    }

    /**
     * The graceful stop, stage by stage within {@code plan}'s budget: unregister, router grace, stop
     * admission, wait for requests in flight.
     *
     * @return whether every request in flight ended in time; when not, the rest are cut off by
     *     whatever closes the plane, and their callers migrate them
     */
    public boolean stop(ShutdownPlan plan) {
        List<Served> all = snapshot();
        ShutdownBudget budget = plan.budget();
        ShutdownObserver observer = plan.observer();
        // Deregister first, so routers stop choosing this process while it finishes what it has.
        long started = begin(ShutdownStage.UNREGISTER, plan, all);
        unregister(all);
        end(ShutdownStage.UNREGISTER, ShutdownStage.Reason.COMPLETED, started, plan, all);
        // Keep accepting for a while: routers that picked this process before their watch delivered
        // the deregistration still send requests, and those must land, not bounce.
        Duration grace = budget.allowance(Optional.of(plan.routerGrace()));
        started = begin(ShutdownStage.ROUTER_GRACE, plan, all);
        if (!all.isEmpty() && grace.compareTo(Duration.ZERO) > 0) {
            LOG.infof("Grace period %d s before stopping endpoints", grace.toSeconds());
            waitOut(grace);
            end(ShutdownStage.ROUTER_GRACE, ShutdownStage.Reason.COMPLETED, started, plan, all);
        } else {
            end(ShutdownStage.ROUTER_GRACE, ShutdownStage.Reason.SKIPPED, started, plan, all);
        }
        // Then stop accepting and report it.
        started = begin(ShutdownStage.STOP_ADMISSION, plan, all);
        stopAccepting(all);
        end(ShutdownStage.STOP_ADMISSION, ShutdownStage.Reason.COMPLETED, started, plan, all);
        started = begin(ShutdownStage.INFLIGHT, plan, all);
        boolean drained = drain(all, budget.allowance(plan.inFlightCap()));
        end(
                ShutdownStage.INFLIGHT,
                drained ? ShutdownStage.Reason.COMPLETED : ShutdownStage.Reason.TIMED_OUT,
                started,
                plan,
                all);
        return drained;
    }

    private long begin(ShutdownStage stage, ShutdownPlan plan, List<Served> all) {
        plan.observer()
                .stage(
                        stage,
                        ShutdownStage.Reason.STARTED,
                        Duration.ZERO,
                        plan.budget().remaining(),
                        inFlight(all));
        return clock.nanoTime();
    }

    private void end(
            ShutdownStage stage, ShutdownStage.Reason reason, long startedNanos, ShutdownPlan plan, List<Served> all) {
        Duration elapsed = Duration.ofNanos(clock.nanoTime() - startedNanos);
        // One line per stage, Dynamo's stage log: the status server is already closed, so the log is
        // what an operator reads during a shutdown.
        LOG.infof(
                "Shutdown stage %s %s after %d ms, %d ms of the budget left",
                stage.wireName(),
                reason.wireName(),
                elapsed.toMillis(),
                plan.budget().remaining().toMillis());
        plan.observer().stage(stage, reason, elapsed, plan.budget().remaining(), inFlight(all));
    }

    /**
     * Leaves discovery and stops accepting at once, without a grace period and without waiting for
     * requests in flight: for a process whose work can no longer succeed (its engine died). Callers
     * migrate what was cut off.
     */
    public void leave() {
        List<Served> all = snapshot();
        unregister(all);
        stopAccepting(all);
    }

    /**
     * Stops accepting at once without touching discovery: for a process whose lease is lost, so its
     * registrations are already gone and etcd is unreachable anyway.
     */
    public void halt() {
        stopAccepting(snapshot());
    }

    private synchronized List<Served> snapshot() {
        return List.copyOf(served);
    }

    private void unregister(List<Served> all) {
        for (Served s : all) {
            quietly("unregister " + s.instance().address(), () -> discovery.unregister(s.instance()));
        }
    }

    private void stopAccepting(List<Served> all) {
        for (Served s : all) {
            s.endpoint().close();
            observer.stopped(s.instance().endpoint());
        }
    }

    private boolean drain(List<Served> all, Duration timeout) {
        int inFlight = inFlight(all);
        if (inFlight > 0) {
            LOG.infof(
                    "Waiting for %d in-flight requests to complete (at most %.1f s)",
                    inFlight, timeout.toMillis() / 1000.0);
        }
        CompletableFuture<?>[] drained = all.stream()
                .map(s -> s.endpoint().drained().toCompletableFuture())
                .toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(drained).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // reported below, from the count
        } catch (InterruptedException e) {
            // An interrupted shutdown stops waiting; the interrupt is kept for whoever comes next.
            Thread.currentThread().interrupt();
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
        int left = inFlight(all);
        if (left > 0) {
            LOG.warnf(
                    "%d requests still in flight after %.1f s; stopping anyway, their callers migrate them",
                    left, timeout.toMillis() / 1000.0);
            return false;
        }
        if (inFlight > 0) {
            LOG.info("All in-flight requests completed");
        }
        return true;
    }

    private static int inFlight(List<Served> all) {
        return all.stream().mapToInt(s -> s.endpoint().inFlight()).sum();
    }

    /** Waits on the shutdown thread; an interrupt ends the wait early and is kept. */
    private static void waitOut(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warnf("Shutdown: could not %s: %s", what, e.getMessage());
        }
    }
}
