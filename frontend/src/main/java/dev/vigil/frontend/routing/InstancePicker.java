package dev.vigil.frontend.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.config.RouterMode;
import dev.vigil.frontend.load.BusyMonitor;
import dev.vigil.runtime.model.Instance;

/**
 * Picks the instance a request goes to, by {@link RouterMode}. Lock-free.
 *
 * <p>The load-aware modes compare instances by this frontend's attempts running on each (known at
 * once, exact, and what a slow worker accumulates), then by the KV cache usage the worker last
 * published (seconds old, shared by every frontend): with no frontend-local difference, the worker
 * with more free cache goes first.
 */
@ApplicationScoped
public class InstancePicker {

    private final AtomicLong next = new AtomicLong();

    @Inject
    RouterConfig config;

    @Inject
    InFlightAttempts inFlight;

    @Inject
    BusyMonitor load;

    /** Null: each thread's own {@link ThreadLocalRandom}. Tests set a seeded one. */
    RandomGenerator random;

    /** One of {@code candidates}, which must not be empty. */
    public Instance pick(List<Instance> candidates) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        return switch (config.mode()) {
            case ROUND_ROBIN -> candidates.get(rotation(candidates.size()));
            case RANDOM -> candidates.get(random().nextInt(candidates.size()));
            case POWER_OF_TWO -> powerOfTwo(candidates);
            case LEAST_LOADED -> leastLoaded(candidates);
        };
    }

    /**
     * Two distinct candidates at random, the less loaded taken; on a tie the first drawn, itself
     * random. Mitzenmacher's power of two choices: nearly the balance of scanning every instance,
     * without herding every request at once onto the one that looks emptiest.
     */
    private Instance powerOfTwo(List<Instance> candidates) {
        RandomGenerator r = random();
        int first = r.nextInt(candidates.size());
        int second = r.nextInt(candidates.size() - 1);
        if (second >= first) {
            second++;
        }
        Instance a = candidates.get(first);
        Instance b = candidates.get(second);
        return compare(b, a) < 0 ? b : a;
    }

    /**
     * The least loaded candidate, scanning from a rotating start so that among equally loaded ones
     * each gets its turn, as in round robin.
     */
    private Instance leastLoaded(List<Instance> candidates) {
        int n = candidates.size();
        int start = rotation(n);
        Instance best = candidates.get(start);
        for (int k = 1; k < n; k++) {
            Instance candidate = candidates.get((start + k) % n);
            if (compare(candidate, best) < 0) {
                best = candidate;
            }
        }
        return best;
    }

    /** Negative when {@code a} is less loaded than {@code b}. */
    private int compare(Instance a, Instance b) {
        int byAttempts = Integer.compare(inFlight.of(a.id()), inFlight.of(b.id()));
        return byAttempts != 0 ? byAttempts : Double.compare(load.kvUsage(a.id()), load.kvUsage(b.id()));
    }

    private int rotation(int size) {
        return (int) Math.floorMod(next.getAndIncrement(), (long) size);
    }

    private RandomGenerator random() {
        return random != null ? random : ThreadLocalRandom.current();
    }
}
