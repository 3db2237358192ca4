package dev.vigil.worker.canary;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vigil.health.canary.CanaryOutcome;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.worker.engine.FaultMode;
import dev.vigil.worker.engine.MockEngine;
import dev.vigil.worker.engine.MockerSettings;

/** The mock engine's canary: in process, judged on the whole stream. */
class EngineCanaryProbeTest {

    static final Duration LONG = Duration.ofSeconds(20);

    final MockEngine engine = new MockEngine(new MockerSettings(0, 0, 1, 1024, 16, 8, 0), Tokenizer.cl100k());
    final EngineCanaryProbe probe = new EngineCanaryProbe(engine);
    final String payload;

    EngineCanaryProbeTest() throws Exception {
        engine.start().toCompletableFuture().join();
        payload = WireCodec.text(MockEngine.HEALTH_CHECK_REQUEST);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    CanaryOutcome outcome(CompletableFuture<CanaryOutcome> stage) throws Exception {
        return stage.get(LONG.toSeconds(), TimeUnit.SECONDS);
    }

    CompletableFuture<CanaryOutcome> send() {
        return probe.send("generate", payload).toCompletableFuture();
    }

    @Test
    void aHealthyEngineAnswersTheWholeOneTokenStream() throws Exception {
        assertEquals(new CanaryOutcome.Healthy(1), outcome(send()));
    }

    @Test
    void anErrorOnTheFirstTokenIsAnErrorResponse() throws Exception {
        engine.injectFault(FaultMode.ERROR_FIRST_TOKEN);
        assertEquals(
                new CanaryOutcome.ErrorResponse("mock engine failed on the first token (injected fault)"),
                outcome(send()));
        engine.injectFault(FaultMode.DIE);
        assertTrue(outcome(send()) instanceof CanaryOutcome.ErrorResponse);
    }

    @Test
    void aStreamThatStallsAfterItsTokenIsNotHealthyUntilItEnds() throws Exception {
        engine.injectFault(FaultMode.STALL_AFTER_FIRST_TOKEN);
        CompletableFuture<CanaryOutcome> stage = send();
        // The token was produced (the engine holds the request after it), yet no verdict: the
        // first-chunk rule would already have said healthy.
        await().atMost(LONG).until(() -> engine.loadMetrics(0).activeSequences() == 0);
        assertFalse(stage.isDone());
        engine.heal();
        assertEquals(new CanaryOutcome.Healthy(1), outcome(stage));
    }

    @Test
    void cancellingTheStageAbandonsTheRequestInTheEngine() {
        engine.injectFault(FaultMode.HANG);
        CompletableFuture<CanaryOutcome> stage = send();
        await().atMost(LONG).until(() -> engine.loadMetrics(0).activeSequences() == 1);
        stage.cancel(false);
        assertEquals(0, engine.loadMetrics(0).activeSequences(), "killed: its KV blocks and slot are free");
    }

    @Test
    void aPayloadThatIsNotAGenerateRequestFailsTheStage() {
        CompletableFuture<CanaryOutcome> stage =
                probe.send("generate", "{\"token_ids\":\"x\"}").toCompletableFuture();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> stage.get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().startsWith("the health check payload is not a generate request"));
    }

    @Test
    void aRequestTheEngineRejectsIsAnErrorResponse() throws Exception {
        CanaryOutcome outcome =
                outcome(probe.send("generate", "{\"token_ids\":[1],\"stop_conditions\":{\"max_tokens\":0}}")
                        .toCompletableFuture());
        assertTrue(outcome instanceof CanaryOutcome.ErrorResponse, String.valueOf(outcome));
    }
}
