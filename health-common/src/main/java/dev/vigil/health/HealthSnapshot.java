package dev.vigil.health;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One immutable state of {@link SystemHealth}. Every change produces a new snapshot, so a health
 * request reads one volatile reference and never takes a lock.
 *
 * <p>The readiness decision is Dynamo's, evaluated once per change (reference §1.5), first rule that
 * applies:
 *
 * <ol>
 *   <li>a non-empty required list ({@code DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS}): ready iff every
 *       listed endpoint is present and ready;
 *   <li>otherwise, if endpoints were registered with a canary payload: ready iff every one of them
 *       is ready;
 *   <li>otherwise: the system status, which starts as {@code DYN_SYSTEM_STARTING_HEALTH_STATUS}.
 * </ol>
 */
public final class HealthSnapshot {

    private final HealthStatus systemStatus;
    private final SortedMap<String, HealthStatus> endpoints;
    private final Map<String, String> canaryTargets;
    private final List<String> requiredEndpoints;
    private final HealthStatus status;

    HealthSnapshot(
            HealthStatus systemStatus,
            Map<String, HealthStatus> endpoints,
            Map<String, String> canaryTargets,
            List<String> requiredEndpoints) {
        this.systemStatus = systemStatus;
        this.endpoints = Collections.unmodifiableSortedMap(new TreeMap<>(endpoints));
        this.canaryTargets = Map.copyOf(canaryTargets);
        this.requiredEndpoints = List.copyOf(requiredEndpoints);
        this.status = decide();
    }

    private HealthStatus decide() {
        if (!requiredEndpoints.isEmpty()) {
            return HealthStatus.of(requiredEndpoints.stream().allMatch(this::endpointReady));
        }
        if (!canaryTargets.isEmpty()) {
            return HealthStatus.of(canaryTargets.keySet().stream().allMatch(this::endpointReady));
        }
        return systemStatus;
    }

    private boolean endpointReady(String endpoint) {
        return endpoints.get(endpoint) == HealthStatus.READY;
    }

    /** The process's readiness, the {@code status} field of the Dynamo body. */
    public HealthStatus status() {
        return status;
    }

    public boolean ready() {
        return status == HealthStatus.READY;
    }

    /** The process-level status: the starting status unless changed explicitly. */
    public HealthStatus systemStatus() {
        return systemStatus;
    }

    /** Every endpoint with a recorded status, sorted by name, as the {@code endpoints} object shows. */
    public SortedMap<String, HealthStatus> endpoints() {
        return endpoints;
    }

    /** Endpoint name to canary payload (JSON text), for endpoints registered with one. */
    public Map<String, String> canaryTargets() {
        return canaryTargets;
    }

    public List<String> requiredEndpoints() {
        return requiredEndpoints;
    }

    /**
     * Whether this endpoint's own status takes part in the decision above. An endpoint that does not
     * count never makes the process unready, however it is marked.
     */
    public boolean counts(String endpoint) {
        if (!requiredEndpoints.isEmpty()) {
            return requiredEndpoints.contains(endpoint);
        }
        return canaryTargets.containsKey(endpoint);
    }
}
