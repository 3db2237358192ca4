package dev.vigil.frontend.model;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.vigil.runtime.model.InstanceId;

/**
 * The worker processes an operator is draining, as discovery marks them ({@code POST /engine/drain}
 * on the worker). They stay known and keep their running requests, but get no new ones. One
 * immutable set swapped on every change; discovery writes it.
 */
@ApplicationScoped
public class DrainingWorkers {

    private volatile Set<InstanceId> draining = Set.of();

    public boolean contains(InstanceId id) {
        return draining.contains(id);
    }

    public Set<InstanceId> all() {
        return draining;
    }

    /** Replaces the whole set. */
    public void replace(Set<InstanceId> now) {
        draining = Set.copyOf(now);
    }
}
