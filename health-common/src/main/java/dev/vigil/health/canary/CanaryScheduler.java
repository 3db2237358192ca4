package dev.vigil.health.canary;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.vigil.health.EndpointHealthListener;
import dev.vigil.health.SystemHealth;

/**
 * Dynamo's canary health checks (its {@code HealthCheckManager}, reference §3): every endpoint
 * registered in {@link SystemHealth} with a payload gets its own schedule. When the endpoint has
 * gone {@code DYN_CANARY_WAIT_TIME} without a successful request, the payload is sent to the local
 * engine through the {@link CanaryProbe}, and the result makes the endpoint ready or not ready.
 * Endpoints registered after {@link #start()} are picked up; an endpoint removed from the health
 * state stops being checked.
 *
 * <p>Where Vigil does better than Dynamo (each closes a way a broken worker stays ready):
 *
 * <ul>
 *   <li>A canary passes only when its <em>whole</em> stream has ended within the request timeout,
 *       not when its first item arrives: a worker that stalls after its first token fails (in Dynamo
 *       it passes).
 *   <li>A stall watchdog covers busy endpoints, where successful traffic keeps postponing the
 *       canary: requests in flight and no token for {@code DYN_HEALTH_CHECK_STALL_TIMEOUT} make the
 *       endpoint not ready until a token or a successful canary.
 *   <li>A not-ready endpoint is re-checked every wait time even under steady traffic; in Dynamo
 *       the traffic kept resetting its timer, so it stayed not ready while traffic lasted.
 *   <li>At most one canary per endpoint is in flight; the wait restarts when it ends, so canaries
 *       never pile up on a slow engine.
 * </ul>
 *
 * <p>Engine-agnostic: it knows payloads as JSON text and the engine only through the probe. The
 * request path reports its requests through {@link #activity(String)}.
 */
public final class CanaryScheduler implements AutoCloseable {

    static final Logger LOG = Logger.getLogger(CanaryScheduler.class);

    final SystemHealth health;
    final CanarySettings settings;
    final CanaryProbe probe;
    final TaskTimer timer;
    final CanaryObserver observer;

    private final Map<String, EndpointCanary> canaries = new ConcurrentHashMap<>();
    private final EndpointHealthListener targets = new Targets();
    private boolean started;
    private boolean closed;

    public CanaryScheduler(
            SystemHealth health, CanarySettings settings, CanaryProbe probe, TaskTimer timer, CanaryObserver observer) {
        this.health = Objects.requireNonNull(health, "health");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Starts checking the targets registered so far, and every one registered later. Idempotent. */
    public void start() {
        synchronized (this) {
            if (started || closed) {
                return;
            }
            started = true;
        }
        // Dynamo's start-up lines, so operators' log searches carry over.
        LOG.infof(
                "Health check manager started (canary_wait_time: %s, request_timeout: %s)",
                seconds(settings.waitTime()), seconds(settings.requestTimeout()));
        LOG.infof(
                settings.watchdogEnabled()
                        ? "Health check stall watchdog on (stall_timeout: %s)"
                        : "Health check stall watchdog off (stall_timeout: %s)",
                seconds(settings.stallTimeout()));
        Map<String, String> existing = new TreeMap<>(health.snapshot().canaryTargets());
        LOG.infof(
                "Starting health check tasks for %d endpoints with canary_wait_time: %s",
                existing.size(), seconds(settings.waitTime()));
        existing.forEach(this::spawn);
        LOG.info("HealthCheckManager started successfully with channel-based endpoint discovery");
        LOG.info("Starting dynamic endpoint discovery monitor with channel-based notifications");
        // Added after the scan, and the listener is replayed every current target, so a target
        // registered in between is still picked up (once: spawning is idempotent).
        health.addListener(targets);
        LOG.info("Dynamic endpoint discovery monitor started");
    }

    /**
     * The hook for the request path of {@code endpoint}. Valid before the endpoint is registered
     * and after it is removed: requests are then simply not watched.
     */
    public EndpointActivity activity(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return () -> {
            EndpointCanary canary = canaries.get(endpoint);
            return canary == null ? EndpointActivity.ActiveRequest.NONE : canary.requestStarted();
        };
    }

    /** The endpoints being checked now. */
    public Set<String> endpoints() {
        return Set.copyOf(canaries.keySet());
    }

    public CanarySettings settings() {
        return settings;
    }

    /**
     * Stops every schedule and abandons canaries in flight; no result is applied afterwards. Call it
     * before endpoints are marked stopped at shutdown, so a late canary cannot mark one ready again.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            canaries.values().forEach(EndpointCanary::close);
            canaries.clear();
        }
        health.removeListener(targets);
    }

    private synchronized boolean spawn(String endpoint, String payload) {
        if (closed || canaries.containsKey(endpoint)) {
            return false;
        }
        EndpointCanary canary = new EndpointCanary(this, endpoint, payload);
        canaries.put(endpoint, canary);
        observer.targetAdded(endpoint);
        canary.start();
        return true;
    }

    private void stop(String endpoint) {
        EndpointCanary canary;
        synchronized (this) {
            canary = canaries.remove(endpoint);
        }
        if (canary != null) {
            canary.close();
            observer.targetRemoved(endpoint);
            LOG.infof("Health check task stopped for: %s", endpoint);
        }
    }

    /** Seconds as Dynamo prints them ({@code 10s}), to the millisecond when not whole. */
    static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
    }

    private final class Targets implements EndpointHealthListener {

        @Override
        public void endpointAdded(String endpoint) {}

        @Override
        public void endpointRemoved(String endpoint) {
            stop(endpoint);
        }

        @Override
        public void canaryTargetAdded(String endpoint, String payload) {
            if (canaries.containsKey(endpoint)) {
                return;
            }
            LOG.infof("Spawning health check task for new endpoint: %s", endpoint);
            if (spawn(endpoint, payload)) {
                LOG.infof("Spawned health check task for endpoint: %s", endpoint);
            }
        }
    }
}
