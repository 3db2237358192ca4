package dev.vigil.frontend.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.vigil.runtime.model.InstanceId;

/**
 * How many attempts of this frontend run on each instance now: counted by {@link Attempt} from pick
 * to end, read by load-aware picking and by the worker states (a worker that left discovery with
 * requests still on it is draining). Holds only instances with something running.
 */
@ApplicationScoped
public class InFlightAttempts {

    /** Updated atomically per key, so a start racing the last end of an instance is not lost. */
    private final Map<InstanceId, Integer> counts = new ConcurrentHashMap<>();

    void started(InstanceId id) {
        counts.merge(id, 1, Integer::sum);
    }

    void ended(InstanceId id) {
        counts.computeIfPresent(id, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Attempts running on the instance now, 0 or more. */
    public int of(InstanceId id) {
        return counts.getOrDefault(id, 0);
    }
}
