package dev.vigil.health;

/**
 * Told when the set of endpoints known to {@link SystemHealth} changes, so views that keep one
 * object per endpoint (SmallRye checks, metric gauges) can add or drop theirs. Status flips are not
 * reported here: views read the current state when asked.
 */
public interface EndpointHealthListener {

    void endpointAdded(String endpoint);

    void endpointRemoved(String endpoint);
}
