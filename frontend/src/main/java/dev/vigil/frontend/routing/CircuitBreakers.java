package dev.vigil.frontend.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.frontend.config.CircuitBreakerConfig;
import dev.vigil.frontend.metrics.CircuitMetrics;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * The circuit of every worker instance this frontend sent requests to ({@code DYN_CB_ENABLED}), and
 * their metrics (built by {@link CircuitMetrics}). An instance gets its circuit with its first outcome.
 */
@ApplicationScoped
public class CircuitBreakers {

    private static final Logger LOG = Logger.getLogger(CircuitBreakers.class);

    @Inject
    CircuitBreakerConfig config;

    @Inject
    MeterRegistry registry;

    /** Opening times and half-open timeouts are measured on it. */
    @Inject
    Clock clock = Clock.SYSTEM;

    private final Map<InstanceId, CircuitBreaker> circuits = new ConcurrentHashMap<>();

    /** How long an opened circuit stays open before its half-open trial ({@code DYN_CB_TIMEOUT_SECS}). */
    public Duration openDuration() {
        return config.timeout();
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** Whether the instance may get a request now (always, with the breaker off). */
    public boolean permits(InstanceId id) {
        CircuitBreaker circuit = enabled() ? circuits.get(id) : null;
        return circuit == null || circuit.permits(clock.nanoTime());
    }

    /** A request goes to the instance: half open, it takes the one trial. */
    public void acquire(InstanceId id) {
        CircuitBreaker circuit = enabled() ? circuits.get(id) : null;
        if (circuit != null) {
            circuit.acquire(clock.nanoTime());
        }
    }

    /** The request sent ended with no outcome for the circuit (busy): a half-open trial is free again. */
    public void release(InstanceId id) {
        CircuitBreaker circuit = enabled() ? circuits.get(id) : null;
        if (circuit != null) {
            circuit.release(clock.nanoTime());
        }
    }

    public void success(InstanceId id) {
        if (enabled()) {
            circuit(id).success(clock.nanoTime());
        }
    }

    public void failure(InstanceId id, String what) {
        if (enabled()) {
            circuit(id).failure(clock.nanoTime(), what);
        }
    }

    /** The instance's state and why, for {@code /v1/instances}; empty with the breaker off or no outcome yet. */
    public Optional<Status> status(InstanceId id) {
        CircuitBreaker circuit = enabled() ? circuits.get(id) : null;
        return circuit == null
                ? Optional.empty()
                : Optional.of(new Status(circuit.state(clock.nanoTime()).wireName(), circuit.reason()));
    }

    /**
     * Forgets every instance discovery no longer lists, with its metric series: worker restarts
     * bring new instance ids, and a table that only grows would hold every one ever seen.
     */
    public void retainOnly(Set<InstanceId> live) {
        for (InstanceId id : List.copyOf(circuits.keySet())) {
            if (!live.contains(id) && circuits.remove(id) != null) {
                CircuitMetrics.forget(registry, id.hex());
            }
        }
    }

    /** How many instances have a circuit (bounded by the instances discovery lists). */
    public int size() {
        return circuits.size();
    }

    /** A circuit's state as shown to operators. */
    public record Status(String state, String reason) {}

    private CircuitBreaker circuit(InstanceId id) {
        return circuits.computeIfAbsent(id, this::create);
    }

    private CircuitBreaker create(InstanceId id) {
        String instance = id.hex();
        AtomicReference<CircuitBreaker.State> current = new AtomicReference<>(CircuitBreaker.State.CLOSED);
        CircuitMetrics.states(
                registry, instance, current, CircuitBreaker.State.values(), CircuitBreaker.State::wireName);
        return new CircuitBreaker(
                config.failureThreshold(),
                config.successThreshold(),
                config.timeout(),
                config.window(),
                (from, to, why) -> {
                    current.set(to);
                    CircuitMetrics.transition(registry, instance, from.wireName(), to.wireName());
                    LOG.infof("Circuit of instance %s %s -> %s: %s", instance, from.wireName(), to.wireName(), why);
                });
    }
}
