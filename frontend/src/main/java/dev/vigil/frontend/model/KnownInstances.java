package dev.vigil.frontend.model;

import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.vigil.runtime.model.Instance;

/**
 * The endpoint instances this frontend currently knows, as one immutable list swapped on every
 * change, so /health reads memory and never waits on discovery. Discovery writes it.
 */
@ApplicationScoped
public class KnownInstances {

    /** Dynamo's order: the string {@code namespace/component/endpoint/instance_id(decimal)}. */
    static final Comparator<Instance> ORDER = Comparator.comparing(
            i -> i.namespace() + "/" + i.component() + "/" + i.endpoint() + "/" + i.id().decimal());

    private volatile List<Instance> instances = List.of();

    public List<Instance> list() {
        return instances;
    }

    /** Replaces the whole set; the list is kept sorted for rendering. */
    public void replace(List<Instance> newInstances) {
        instances = newInstances.stream().sorted(ORDER).toList();
    }
}
