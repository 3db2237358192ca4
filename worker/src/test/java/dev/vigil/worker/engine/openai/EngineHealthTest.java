package dev.vigil.worker.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** Only failed health checks in a row make a loaded engine dead, and dead stays dead. */
class EngineHealthTest {

    static final EngineHealth.Check PASSED = new EngineHealth.Check(204, null);
    static final EngineHealth.Check HTTP_500 = new EngineHealth.Check(500, null);
    static final EngineHealth.Check NO_ANSWER = new EngineHealth.Check(0, "Connection refused");

    final EngineHealth health = new EngineHealth(null, URI.create("http://engine:8000"), "/health", 3);

    @Test
    void aCheckFailsWithoutA2xxAnswer() {
        assertNull(PASSED.failure());
        assertEquals("HTTP 500", HTTP_500.failure());
        assertEquals("Connection refused", NO_ANSWER.failure());
    }

    @Test
    void aPassedCheckStartsTheCountAgain() {
        health.record(HTTP_500);
        health.record(NO_ANSWER);
        health.record(PASSED);
        health.record(HTTP_500);
        health.record(NO_ANSWER);
        assertFalse(health.dead());
        health.record(HTTP_500);
        assertTrue(health.dead());
        health.record(PASSED);
        assertTrue(health.dead(), "dead is final");
    }

    @Test
    void theProcessExitingIsDeath() {
        health.processExited();
        assertTrue(health.dead());
    }
}
