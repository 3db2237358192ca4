package dev.vigil.frontend.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.config.RouterMode;
import dev.vigil.runtime.model.Instance;

/** Picks the instance a request goes to, by {@link RouterMode}. Lock-free. */
@ApplicationScoped
public class InstancePicker {

    private final AtomicLong next = new AtomicLong();

    @Inject
    RouterConfig config;

    /** One of {@code candidates}, which must not be empty. */
    public Instance pick(List<Instance> candidates) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        return switch (config.mode()) {
            case ROUND_ROBIN -> candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
            case RANDOM -> candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        };
    }
}
