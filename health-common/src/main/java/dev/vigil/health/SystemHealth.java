package dev.vigil.health;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * The single source of truth for a worker's health: the system status, the status of each endpoint,
 * the endpoints the operator requires ({@code DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS}) and the
 * endpoints registered with a canary payload. The Dynamo JSON, SmallRye Health and Prometheus views
 * all render {@link #snapshot()}.
 *
 * <p>Writers (endpoint lifecycle, canary results) are rare and serialised; readers (every health
 * request) read one volatile snapshot and never block.
 */
public final class SystemHealth {

    private static final Logger LOG = Logger.getLogger(SystemHealth.class);

    private final boolean canaryEnabled;
    private final LongSupplier nanoClock;
    private final long originNanos;
    private final List<EndpointHealthListener> listeners = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private volatile HealthSnapshot current;

    /**
     * @param startingStatus {@code DYN_SYSTEM_STARTING_HEALTH_STATUS}
     * @param requiredEndpoints {@code DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS}, possibly empty
     * @param canaryEnabled {@code DYN_HEALTH_CHECK_ENABLED}: when on, only a canary can make a
     *     payload endpoint ready
     */
    public SystemHealth(HealthStatus startingStatus, List<String> requiredEndpoints, boolean canaryEnabled) {
        this(startingStatus, requiredEndpoints, canaryEnabled, System::nanoTime);
    }

    /**
     * As {@link #SystemHealth(HealthStatus, List, boolean)}, with uptime measured on {@code nanoClock}
     * (monotonic nanoseconds, as {@link System#nanoTime()}; an app passes its clock's). A {@link
     * java.util.function.LongSupplier} because this library does not see the runtime's clock.
     */
    public SystemHealth(
            HealthStatus startingStatus,
            List<String> requiredEndpoints,
            boolean canaryEnabled,
            LongSupplier nanoClock) {
        this.canaryEnabled = canaryEnabled;
        this.nanoClock = nanoClock;
        this.originNanos = nanoClock.getAsLong();
        List<String> required = List.copyOf(new LinkedHashSet<>(requiredEndpoints));
        // Listed endpoints are known from the start so the body shows them as soon as the
        // server answers. With the canary on they wait for it; otherwise they take the starting
        // status (Dynamo's edge case: starting "ready" with a list is ready before anything runs).
        HealthStatus initial = canaryEnabled ? HealthStatus.NOT_READY : startingStatus;
        Map<String, HealthStatus> endpoints = new HashMap<>();
        required.forEach(name -> endpoints.put(name, initial));
        this.current = new HealthSnapshot(startingStatus, endpoints, Map.of(), required);
    }

    /** The current state; a memory read. */
    public HealthSnapshot snapshot() {
        return current;
    }

    public boolean isReady() {
        return current.ready();
    }

    /** Time since this health state was created, which is when the runtime started. */
    public Uptime uptime() {
        return Uptime.ofNanos(nanoClock.getAsLong() - originNanos);
    }

    public boolean canaryEnabled() {
        return canaryEnabled;
    }

    /**
     * Registers an endpoint whose readiness a canary will prove. Happens before the endpoint is
     * served. The endpoint starts not ready unless it already has a status.
     *
     * @return false when the endpoint already had a canary target (the first one is kept)
     */
    public boolean registerCanaryTarget(String endpoint, String payload) {
        Objects.requireNonNull(payload, "payload");
        boolean[] added = {false};
        update(endpoint, (endpoints, targets) -> {
            if (targets.containsKey(endpoint)) {
                return;
            }
            targets.put(endpoint, payload);
            endpoints.putIfAbsent(endpoint, HealthStatus.NOT_READY);
            added[0] = true;
        });
        if (!added[0]) {
            LOG.warnf("Attempted to re-register health check for endpoint '%s'; ignoring.", endpoint);
        } else {
            notifyListeners(l -> l.canaryTargetAdded(endpoint, payload));
        }
        return added[0];
    }

    /**
     * The endpoint now accepts requests on the request plane. It becomes ready, except that with the
     * canary enabled an endpoint with a canary payload waits for its first successful canary, so a
     * transport that is up in front of a broken engine never reports ready (Dynamo PR #8165).
     */
    public void endpointServed(String endpoint) {
        update(endpoint, (endpoints, targets) -> {
            if (canaryEnabled && targets.containsKey(endpoint)) {
                endpoints.putIfAbsent(endpoint, HealthStatus.NOT_READY);
            } else {
                endpoints.put(endpoint, HealthStatus.READY);
            }
        });
    }

    /** The endpoint stopped accepting requests (shutdown or cancellation). */
    public void endpointStopped(String endpoint) {
        setEndpoint(endpoint, HealthStatus.NOT_READY);
    }

    /** The outcome of a canary (or any other active check) for this endpoint. */
    public void setEndpoint(String endpoint, HealthStatus status) {
        Objects.requireNonNull(status, "status");
        update(endpoint, (endpoints, targets) -> endpoints.put(endpoint, status));
    }

    /**
     * The verdict of an active check (the canary, or its stall watchdog) on a canary target. Unlike
     * {@link #setEndpoint} it is dropped once the endpoint is no longer a target, so a check that
     * finishes after its endpoint was removed cannot bring the endpoint back.
     *
     * @return whether the verdict was applied
     */
    public boolean setCheckedEndpoint(String endpoint, HealthStatus status) {
        Objects.requireNonNull(status, "status");
        boolean[] applied = {false};
        update(endpoint, (endpoints, targets) -> {
            if (targets.containsKey(endpoint)) {
                endpoints.put(endpoint, status);
                applied[0] = true;
            }
        });
        return applied[0];
    }

    /** Forgets an endpoint that this process no longer has: its status and canary target go. */
    public void removeEndpoint(String endpoint) {
        update(endpoint, (endpoints, targets) -> {
            endpoints.remove(endpoint);
            targets.remove(endpoint);
        });
    }

    /** Changes the system status, the last rule of the readiness decision. */
    public void setSystemStatus(HealthStatus status) {
        Objects.requireNonNull(status, "status");
        synchronized (writeLock) {
            HealthSnapshot before = current;
            current =
                    new HealthSnapshot(status, before.endpoints(), before.canaryTargets(), before.requiredEndpoints());
        }
    }

    /**
     * Adds a listener and replays {@code endpointAdded} for every endpoint already known, then {@code
     * canaryTargetAdded} for every target, so a view attached late misses nothing. Listeners must
     * tolerate being told twice about one endpoint.
     */
    public void addListener(EndpointHealthListener listener) {
        HealthSnapshot existing;
        synchronized (writeLock) {
            listeners.add(listener);
            existing = current;
        }
        existing.endpoints().keySet().forEach(listener::endpointAdded);
        existing.canaryTargets().forEach(listener::canaryTargetAdded);
    }

    public void removeListener(EndpointHealthListener listener) {
        listeners.remove(listener);
    }

    private interface Mutation {
        void apply(Map<String, HealthStatus> endpoints, Map<String, String> targets);
    }

    private void update(String endpoint, Mutation mutation) {
        Objects.requireNonNull(endpoint, "endpoint");
        boolean existedBefore;
        boolean existsAfter;
        synchronized (writeLock) {
            HealthSnapshot before = current;
            Map<String, HealthStatus> endpoints = new HashMap<>(before.endpoints());
            Map<String, String> targets = new HashMap<>(before.canaryTargets());
            mutation.apply(endpoints, targets);
            existedBefore = before.endpoints().containsKey(endpoint);
            existsAfter = endpoints.containsKey(endpoint);
            current = new HealthSnapshot(before.systemStatus(), endpoints, targets, before.requiredEndpoints());
        }
        // Listeners run outside the lock: they call into other registries, and a listener that
        // reads this health state must not deadlock against a writer.
        if (!existedBefore && existsAfter) {
            notifyListeners(l -> l.endpointAdded(endpoint));
        } else if (existedBefore && !existsAfter) {
            notifyListeners(l -> l.endpointRemoved(endpoint));
        }
    }

    private void notifyListeners(Consumer<EndpointHealthListener> call) {
        List<RuntimeException> failures = new ArrayList<>();
        for (EndpointHealthListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        failures.forEach(e -> LOG.warn("Endpoint health listener failed", e));
    }
}
