package dev.vigil.health;

/**
 * Told when the set of endpoints known to {@link SystemHealth} changes, so views that keep one
 * object per endpoint (SmallRye checks, metric gauges) can add or drop theirs, and the canary can
 * start checking a newly registered target. Status flips are not reported here: views read the
 * current state when asked.
 */
public interface EndpointHealthListener {

    void endpointAdded(String endpoint);

    void endpointRemoved(String endpoint);

    /**
     * An endpoint was registered with a canary payload (JSON text). Removal of a target is reported
     * by {@link #endpointRemoved}, since a target only goes with its endpoint.
     */
    default void canaryTargetAdded(String endpoint, String payload) {}
}
