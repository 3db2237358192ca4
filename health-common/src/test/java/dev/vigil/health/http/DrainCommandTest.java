package dev.vigil.health.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DrainCommandTest {

    @Test
    void thePortIsTheWorkersSystemPortDefaulting8081AsTheImagesDo() {
        assertEquals(8081, DrainCommand.port(Map.of()));
        assertEquals(8081, DrainCommand.port(Map.of("DYN_SYSTEM_PORT", " ")));
        assertEquals(9090, DrainCommand.port(Map.of("DYN_SYSTEM_PORT", " 9090 ")));
        for (String bad : new String[] {"0", "65536", "http", "-1"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> DrainCommand.port(Map.of("DYN_SYSTEM_PORT", bad)));
            assertTrue(e.getMessage().startsWith("DYN_SYSTEM_PORT='" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void theWaitIsWholeNonNegativeSeconds() {
        assertEquals(0, DrainCommand.seconds("0"));
        assertEquals(25, DrainCommand.seconds("25"));
        assertThrows(IllegalArgumentException.class, () -> DrainCommand.seconds("-1"));
        assertThrows(IllegalArgumentException.class, () -> DrainCommand.seconds("2.5"));
    }

    @Test
    void onlyA200WhoseBodySaysSafeToDeleteEndsTheWait() {
        assertTrue(DrainCommand.safeToDelete("200 {\"state\":\"drained\",\"inflight\":0,\"safe_to_delete\":true}"));
        assertFalse(DrainCommand.safeToDelete("200 {\"state\":\"draining\",\"inflight\":1,\"safe_to_delete\":false}"));
        assertFalse(DrainCommand.safeToDelete("503 {\"safe_to_delete\":true}"));
        assertFalse(DrainCommand.safeToDelete("-1 "));
    }
}
