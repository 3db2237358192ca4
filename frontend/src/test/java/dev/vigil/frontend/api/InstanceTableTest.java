package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vigil.frontend.probe.InstanceView;
import dev.vigil.frontend.routing.WorkerStates;
import dev.vigil.runtime.model.InstanceId;

class InstanceTableTest {

    @Test
    void oneRowPerInstanceWithItsProbeSymbols() {
        InstanceView probing = new InstanceView(
                new InstanceId(0x694d98147d54be25L),
                "dynamo",
                "backend",
                List.of("clear_kv_blocks", "generate", "load_metrics"),
                "http://127.0.0.1:8081",
                "probing",
                false,
                List.of(),
                "~×");
        InstanceView unprobeable = new InstanceView(
                new InstanceId(1),
                "dynamo",
                "backend",
                List.of("generate"),
                null,
                "unprobeable",
                false,
                List.of(),
                "××");
        assertEquals(
                """
                INSTANCE          COMPONENT       ENDPOINTS  STATUS URL             STATE        PROBES  HEALTH
                694d98147d54be25  dynamo.backend  3          http://127.0.0.1:8081  probing      ~×      probing
                1                 dynamo.backend  1          -                      unprobeable  ××      -
                """,
                InstanceTable.render(
                        List.of(probing, unprobeable),
                        Map.of(
                                probing.id(),
                                new WorkerStates.Status(WorkerStates.State.PROBING, "probes probing", Instant.EPOCH))));
    }

    @Test
    void saysWhenNoInstanceIsKnown() {
        assertEquals(
                "INSTANCE  COMPONENT  ENDPOINTS  STATUS URL  STATE  PROBES  HEALTH\n(no worker instances discovered)\n",
                InstanceTable.render(List.of(), Map.of()));
    }
}
