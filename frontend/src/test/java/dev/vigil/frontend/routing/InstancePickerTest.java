package dev.vigil.frontend.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.config.RouterMode;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;

class InstancePickerTest {

    static final List<Instance> THREE = List.of(
            new EndpointId("dynamo", "backend", "generate").instance(new InstanceId(1)),
            new EndpointId("dynamo", "backend", "generate").instance(new InstanceId(2)),
            new EndpointId("dynamo", "backend", "generate").instance(new InstanceId(3)));

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
        };
        return picker;
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
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> converter.convert("kv"));
        assertEquals("expected 'round-robin' or 'random'", e.getMessage());
    }
}
