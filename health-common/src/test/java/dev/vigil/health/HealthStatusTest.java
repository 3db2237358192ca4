package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthStatusTest {

    @Test
    void parsesTheExactWireSpelling() {
        assertEquals(HealthStatus.READY, HealthStatus.parse("ready"));
        assertEquals(HealthStatus.NOT_READY, HealthStatus.parse("notready"));
        assertEquals(HealthStatus.READY, new HealthStatusConverter().convert(" ready "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ready", "not_ready", "NOTREADY", "", "true"})
    void rejectsAnythingElse(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HealthStatus.parse(value));
        assertEquals("expected 'ready' or 'notready' (lower case)", e.getMessage());
    }
}
