package dev.vigil.frontend.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vigil.frontend.routing.CircuitBreaker.State;

/** The circuit's state machine on a clock the test moves: closed → open → half open → closed or open. */
class CircuitBreakerTest {

    static final long SECOND = 1_000_000_000L;

    final List<String> transitions = new ArrayList<>();
    // 3 failures within 10 s open it; open for 5 s; 2 successes close it.
    final CircuitBreaker circuit = new CircuitBreaker(
            3, 2, Duration.ofSeconds(5), Duration.ofSeconds(10), (from, to, why) -> transitions.add(from + "->" + to));

    @Test
    void failuresWithinTheWindowOpenIt() {
        circuit.failure(0, "x");
        circuit.failure(1 * SECOND, "x");
        assertEquals(State.CLOSED, circuit.state(2 * SECOND));
        assertTrue(circuit.permits(2 * SECOND));
        circuit.failure(2 * SECOND, "refused");
        assertEquals(State.OPEN, circuit.state(2 * SECOND));
        assertFalse(circuit.permits(3 * SECOND));
        assertTrue(circuit.reason().endsWith("the last: refused"), circuit.reason());
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        circuit.failure(0, "x");
        circuit.failure(1 * SECOND, "x");
        circuit.failure(12 * SECOND, "x");
        assertEquals(State.CLOSED, circuit.state(12 * SECOND));
    }

    @Test
    void afterTheTimeoutOneTrialAtATimeThenClosedAfterEnoughSuccesses() {
        open();
        assertEquals(State.HALF_OPEN, circuit.state(7 * SECOND));
        assertTrue(circuit.permits(7 * SECOND));
        circuit.acquire(7 * SECOND);
        assertFalse(circuit.permits(7 * SECOND), "one trial at a time");
        circuit.success(8 * SECOND);
        assertEquals(State.HALF_OPEN, circuit.state(8 * SECOND));
        assertTrue(circuit.permits(8 * SECOND));
        circuit.acquire(8 * SECOND);
        circuit.success(9 * SECOND);
        assertEquals(State.CLOSED, circuit.state(9 * SECOND));
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), transitions);
    }

    @Test
    void aFailedTrialOpensItAgainForAnotherTimeout() {
        open();
        circuit.acquire(7 * SECOND);
        circuit.failure(7 * SECOND, "still down");
        assertEquals(State.OPEN, circuit.state(11 * SECOND));
        assertEquals(State.HALF_OPEN, circuit.state(12 * SECOND));
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN", "OPEN->HALF_OPEN"), transitions);
    }

    private void open() {
        circuit.failure(0, "x");
        circuit.failure(1 * SECOND, "x");
        circuit.failure(2 * SECOND, "x");
    }
}
