package dev.vigil.worker.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.tokenizer.Tokenizer;

/**
 * Injected faults: each misbehaves where tokens are produced, for running and new requests, and a
 * heal lets held requests finish. "Nothing happens" is shown by the engine holding the request, never
 * by waiting.
 */
class MockEngineFaultTest {

    final MockEngine engine = new MockEngine(new MockerSettings(0, 0, 1, 1024, 16, 8, 0), Tokenizer.cl100k());

    MockEngineFaultTest() {
        engine.start().toCompletableFuture().join();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    static GenerateRequest request(int maxTokens) {
        return new GenerateRequest(
                "mock", List.of(1000, 1001, 1002), new StopConditions(maxTokens, null, null, true), null);
    }

    RecordingSink generate(int maxTokens) {
        RecordingSink sink = new RecordingSink();
        engine.generate("r-" + System.nanoTime(), request(maxTokens), sink);
        return sink;
    }

    void awaitHeld(int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.heldRequests() == count);
    }

    @Test
    void noFaultByDefaultAndTheHealthCheckRequestGivesOneToken() {
        assertEquals(FaultMode.NONE, engine.fault());
        RecordingSink sink = new RecordingSink();
        engine.generate("health-check", MockEngine.HEALTH_CHECK_REQUEST, sink);
        sink.awaitDone();
        assertTrue(sink.ended());
        assertEquals(1, sink.outputs.size());
    }

    @Test
    void dieFailsEveryRequestAtItsNextStep() {
        engine.injectFault(FaultMode.DIE);
        RecordingSink sink = generate(5).awaitDone();
        assertEquals("mock engine died (injected fault)", sink.error());
        assertEquals(0, sink.outputs.size());
        engine.heal();
        assertTrue(generate(5).awaitDone().ended());
        assertTrue(sink.violations.isEmpty(), sink.violations.toString());
    }

    @Test
    void hangHoldsRequestsWithoutOutputUntilHealedThenTheyFinish() {
        engine.injectFault(FaultMode.HANG);
        RecordingSink sink = generate(5);
        awaitHeld(1);
        assertEquals(0, sink.outputs.size());
        assertFalse(sink.done());
        engine.heal();
        sink.awaitDone();
        assertTrue(sink.ended());
        assertEquals(5, sink.outputs.size());
        assertEquals(0, engine.heldRequests());
    }

    @Test
    void stallGivesTheFirstTokenThenNothingNotEvenTheEnd() {
        engine.injectFault(FaultMode.STALL_AFTER_FIRST_TOKEN);
        RecordingSink oneToken = generate(1);
        RecordingSink many = generate(5);
        awaitHeld(2);
        assertEquals(1, oneToken.outputs.size());
        assertEquals(EngineOutput.LENGTH, oneToken.finishReason(), "the whole stream arrived ...");
        assertFalse(oneToken.done(), "... but its end did not");
        assertEquals(1, many.outputs.size());
        assertFalse(many.done());

        engine.heal();
        assertTrue(oneToken.awaitDone().ended());
        assertTrue(many.awaitDone().ended());
        assertEquals(5, many.outputs.size());
    }

    @Test
    void errorFirstTokenFailsNewRequestsButNotOnesPastTheirFirstToken() {
        engine.injectFault(FaultMode.STALL_AFTER_FIRST_TOKEN);
        RecordingSink running = generate(5);
        awaitHeld(1);
        engine.injectFault(FaultMode.ERROR_FIRST_TOKEN);
        RecordingSink fresh = generate(5).awaitDone();
        assertEquals("mock engine failed on the first token (injected fault)", fresh.error());
        assertTrue(running.awaitDone().ended(), "past its first token: it goes on");
        assertEquals(5, running.outputs.size());
    }

    @Test
    void aKilledHeldRequestHearsNothingAndFreesItsPlace() {
        engine.injectFault(FaultMode.HANG);
        RecordingSink sink = new RecordingSink();
        Generation generation = engine.generate("killed", request(5), sink);
        awaitHeld(1);
        generation.kill();
        assertEquals(0, engine.heldRequests());
        assertEquals(0, engine.loadMetrics(1).activeSequences());
        engine.heal();
        assertTrue(generate(2).awaitDone().ended());
        assertFalse(sink.done());
        assertNull(sink.error());
    }

    @Test
    void closingFailsRequestsHeldAfterTheirLastToken() {
        engine.injectFault(FaultMode.STALL_AFTER_FIRST_TOKEN);
        RecordingSink sink = generate(1);
        awaitHeld(1);
        engine.close();
        sink.awaitDone();
        assertEquals("mock engine closed", sink.error());
        assertTrue(sink.violations.isEmpty(), sink.violations.toString());
    }
}
