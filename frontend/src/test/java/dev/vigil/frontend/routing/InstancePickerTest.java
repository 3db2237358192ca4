package dev.vigil.frontend.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.config.RouterMode;
import dev.vigil.frontend.load.BusyMonitor;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;

class InstancePickerTest {

    static final List<Instance> THREE = List.of(
            new EndpointId("dynamo", "backend", "generate").instance(new InstanceId(1)),
            new EndpointId("dynamo", "backend", "generate").instance(new InstanceId(2)),
            new EndpointId("dynamo", "backend", "generate").instance(new InstanceId(3)));

    /** The KV usage each worker reported, by instance; 0 for the others. */
    final Map<InstanceId, Double> kvUsage = new HashMap<>();

    final InFlightAttempts inFlight = new InFlightAttempts();

    static InstancePicker picker(RouterMode mode) {
        InstancePicker picker = new InstancePicker();
        picker.config = new RouterConfig() {
            @Override
            public RouterMode mode() {
                return mode;
            }

            @Override
            public int minInitialWorkers() {
                return 0;
            }

            @Override
            public boolean failOpen() {
                return true;
            }

            @Override
            public boolean sharedHealth() {
                return false;
            }
        };
        return picker;
    }

    /** A picker reading this test's loads, drawing from a seeded generator. */
    InstancePicker loadAware(RouterMode mode) {
        InstancePicker picker = picker(mode);
        picker.inFlight = inFlight;
        picker.load = new BusyMonitor() {
            @Override
            public double kvUsage(InstanceId worker) {
                return kvUsage.getOrDefault(worker, 0.0);
            }
        };
        picker.random = new SplittableRandom(27);
        return picker;
    }

    void running(Instance instance, int attempts) {
        for (int i = 0; i < attempts; i++) {
            inFlight.started(instance.id());
        }
    }

    @Test
    void powerOfTwoTakesTheOneWithFewerAttemptsRunning() {
        InstancePicker picker = loadAware(RouterMode.POWER_OF_TWO);
        List<Instance> two = THREE.subList(0, 2);
        running(two.get(0), 3);
        running(two.get(1), 1);
        for (int i = 0; i < 50; i++) {
            assertEquals(two.get(1), picker.pick(two));
        }
    }

    @Test
    void powerOfTwoBreaksATieOnAttemptsByKvUsage() {
        InstancePicker picker = loadAware(RouterMode.POWER_OF_TWO);
        List<Instance> two = THREE.subList(0, 2);
        running(two.get(0), 1);
        running(two.get(1), 1);
        kvUsage.put(two.get(0).id(), 0.2);
        kvUsage.put(two.get(1).id(), 0.7);
        for (int i = 0; i < 50; i++) {
            assertEquals(two.get(0), picker.pick(two));
        }
    }

    @Test
    void powerOfTwoNeverTakesTheMostLoadedOfThreeButSpreadsOverTheOthers() {
        InstancePicker picker = loadAware(RouterMode.POWER_OF_TWO);
        running(THREE.get(0), 5);
        running(THREE.get(1), 1);
        Map<Instance, Integer> picked = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            picked.merge(picker.pick(THREE), 1, Integer::sum);
        }
        assertEquals(null, picked.get(THREE.get(0)), picked.toString());
        // The idle one wins every draw it is in (2 of 3 pairs); the lightly loaded one the third pair.
        assertTrue(picked.get(THREE.get(2)) > picked.get(THREE.get(1)), picked.toString());
        assertTrue(picked.get(THREE.get(1)) > 0, picked.toString());
    }

    @Test
    void leastLoadedTakesTheLeastLoadedAndRotatesAmongEquals() {
        InstancePicker picker = loadAware(RouterMode.LEAST_LOADED);
        running(THREE.get(0), 2);
        running(THREE.get(1), 2);
        running(THREE.get(2), 1);
        for (int i = 0; i < 6; i++) {
            assertEquals(THREE.get(2), picker.pick(THREE));
        }
        running(THREE.get(2), 1);
        List<Instance> picked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            picked.add(picker.pick(THREE));
        }
        assertEquals(Set.copyOf(THREE), Set.copyOf(picked), "equally loaded: each in turn");
        kvUsage.put(THREE.get(0).id(), 0.5);
        kvUsage.put(THREE.get(1).id(), 0.1);
        kvUsage.put(THREE.get(2).id(), 0.3);
        assertEquals(THREE.get(1), picker.pick(THREE), "equal attempts: the lowest KV usage");
    }

    @Test
    void anAttemptThatEndedNoLongerCounts() {
        Instance a = THREE.get(0);
        running(a, 2);
        inFlight.ended(a.id());
        assertEquals(1, inFlight.of(a.id()));
        inFlight.ended(a.id());
        inFlight.ended(a.id());
        assertEquals(0, inFlight.of(a.id()));
    }

    @Test
    void roundRobinVisitsEachInstanceInTurn() {
        InstancePicker picker = picker(RouterMode.ROUND_ROBIN);
        List<Instance> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(picker.pick(THREE));
        }
        assertEquals(
                List.of(THREE.get(0), THREE.get(1), THREE.get(2), THREE.get(0), THREE.get(1), THREE.get(2)), picked);
    }

    @Test
    void randomPicksOnlyCandidatesAndEventuallyEachOfThem() {
        InstancePicker picker = picker(RouterMode.RANDOM);
        Set<Instance> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Instance instance = picker.pick(THREE);
            assertTrue(THREE.contains(instance));
            seen.add(instance);
        }
        assertEquals(3, seen.size());
    }

    @Test
    void modesParseLikeDynamosFlag() {
        RouterMode.Converter converter = new RouterMode.Converter();
        assertEquals(RouterMode.ROUND_ROBIN, converter.convert("round-robin"));
        assertEquals(RouterMode.RANDOM, converter.convert("random"));
        assertEquals(RouterMode.POWER_OF_TWO, converter.convert("power-of-two"));
        assertEquals(RouterMode.LEAST_LOADED, converter.convert("Least_Loaded"));
        // Dynamo's kv mode routes by cached prefixes; Vigil has no such index, so no kv mode.
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> converter.convert("kv"));
        assertEquals("expected 'round-robin', 'random', 'power-of-two' or 'least-loaded'", e.getMessage());
    }
}
