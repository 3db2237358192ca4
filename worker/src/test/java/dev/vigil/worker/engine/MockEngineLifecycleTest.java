package dev.vigil.worker.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.testing.LogCapture;

/**
 * A request's and the mock engine's life: stop and kill, refused requests, close, start-up, timing
 * and pause. Timing is only checked against lower bounds computed from the settings.
 */
class MockEngineLifecycleTest extends MockEngineFixture {

    @Test
    void stopEndsTheStreamWithCancelledAndFreesTheBlocks() {
        MockEngine engine = engine(FROZEN_MS, 0, 100, 4, 4);
        RecordingSink sink = new RecordingSink();
        try (LogCapture log = LogCapture.of(MockEngine.class)) {
            Generation generation = engine.generate("req-stop", request(prompt(10), 50), sink);
            sink.awaitOutputs(1);
            generation.stop();

            assertTrue(sink.ended());
            assertEquals(2, sink.outputs.size());
            assertEquals(new EngineOutput(List.of(), "", EngineOutput.CANCELLED), sink.last());
            assertTrue(
                    log.messages().contains("Aborted Request ID: req-stop"),
                    log.messages().toString());
            assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);

            generation.stop();
            generation.kill();
            assertEquals(
                    1,
                    log.messages().stream().filter(m -> m.contains("req-stop")).count(),
                    "once only");
        }
        assertEquals(List.of(), sink.violations);
    }

    @Test
    void stopAlsoEndsAQueuedRequest() {
        MockEngine engine = engine(FROZEN_MS, 0, 100, 4, 1);
        Generation running = engine.generate("running", request(prompt(4), 50), new RecordingSink());
        RecordingSink queued = new RecordingSink();
        Generation waiting = engine.generate("queued", request(prompt(4), 50), queued);
        assertEquals(1, engine.loadMetrics(1).queueDepth());
        waiting.stop();
        assertEquals(List.of(new EngineOutput(List.of(), "", EngineOutput.CANCELLED)), queued.outputs);
        assertTrue(queued.ended());
        assertEquals(0, engine.loadMetrics(1).queueDepth());
        running.kill();
    }

    @Test
    void killEndsTheStreamWithoutAnotherCall() {
        MockEngine engine = engine(FROZEN_MS, 0, 100, 4, 4);
        RecordingSink sink = new RecordingSink();
        try (LogCapture log = LogCapture.of(MockEngine.class)) {
            Generation generation = engine.generate("req-kill", request(prompt(10), 50), sink);
            sink.awaitOutputs(1);
            generation.kill();
            assertTrue(
                    log.messages().contains("Aborted Request ID: req-kill"),
                    log.messages().toString());
        }
        assertEquals(1, sink.outputs.size());
        assertFalse(sink.done(), "no onEnd, no onError");
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
    }

    @Test
    void killFromInsideTheSinkStopsAFastStreamAtOnce() {
        // Zero delays: without kill the stream would run to 200 tokens in milliseconds. The request
        // is queued before the engine starts so that the generation is known before its first token.
        MockEngine engine = unstarted(new MockerSettings(0, 0, 1, 100, 4, 4, 0));
        AtomicReference<Generation> generation = new AtomicReference<>();
        AtomicInteger seen = new AtomicInteger();
        RecordingSink sink = new RecordingSink(output -> {
            if (seen.incrementAndGet() == 3) {
                generation.get().kill();
            }
        });
        generation.set(engine.generate("k", request(prompt(10), 200), sink));
        engine.start();
        sink.awaitOutputs(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.loadMetrics(1).activeSequences() == 0);

        // Another request runs to its end on the same threads; nothing more reaches the killed one.
        RecordingSink probe = new RecordingSink();
        engine.generate("probe", request(prompt(10), 50), probe);
        probe.awaitDone();
        assertEquals(3, sink.outputs.size());
        assertFalse(sink.done());
        assertEquals(List.of(), sink.violations);
    }

    @Test
    void badRequestsGetAnErrorAtOnce() {
        MockEngine engine = engine(0, 0, 100, 4, 4);
        RecordingSink noMax = new RecordingSink();
        Generation rejected = engine.generate("zero", request(prompt(4), 0), noMax);
        assertTrue(noMax.error().contains("max_tokens"), noMax.error());
        try (LogCapture log = LogCapture.of(MockEngine.class)) {
            rejected.stop();
            rejected.kill();
            assertEquals(List.of(), log.messages(), "nothing to abort");
        }

        RecordingSink noPrompt = new RecordingSink();
        engine.generate("none", new GenerateRequest("mock", null, null, null), noPrompt);
        assertTrue(noPrompt.error().contains("token_ids"), noPrompt.error());
        assertTrue(noMax.outputs.isEmpty() && noPrompt.outputs.isEmpty());
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
    }

    @Test
    void closeFailsWhatIsLeftAndRefusesMore() {
        MockEngine engine = engine(FROZEN_MS, 0, 100, 4, 1);
        RecordingSink running = new RecordingSink();
        RecordingSink queued = new RecordingSink();
        engine.generate("running", request(prompt(4), 50), running);
        running.awaitOutputs(1);
        engine.generate("queued", request(prompt(4), 50), queued);
        engine.close();

        assertEquals("mock engine closed", running.error());
        assertEquals("mock engine closed", queued.error());
        assertFalse(engine.isReady());
        RecordingSink late = new RecordingSink();
        engine.generate("late", request(prompt(4), 50), late);
        assertEquals("mock engine is closed", late.error());
        assertEquals(List.of(), running.violations);
    }

    @Test
    void startCompletesAfterTheStartupDelayDividedByTheSpeedup() {
        // 300 ms at 1.5× speed: at least 200 ms.
        MockEngine engine = unstarted(new MockerSettings(0, 0, 1.5, 100, 4, 4, 300));
        long begin = System.nanoTime();
        CompletableFuture<Void> started = engine.start().toCompletableFuture();
        RecordingSink early = new RecordingSink();
        engine.generate("early", request(prompt(4), 3), early);
        assertFalse(engine.isReady());
        assertEquals(1, engine.loadMetrics(1).queueDepth(), "a request before start waits");

        started.join();
        long elapsedMs = (System.nanoTime() - begin) / 1_000_000;
        assertTrue(elapsedMs >= 200, elapsedMs + " ms");
        assertTrue(engine.isReady());
        early.awaitDone();
        assertEquals(3, early.outputs.size());
        assertTrue(engine.start().toCompletableFuture().isDone(), "start again: the same, done stage");
    }

    @Test
    void startAfterCloseFails() {
        MockEngine engine = unstarted(new MockerSettings(0, 0, 1, 100, 4, 4, 60_000));
        CompletableFuture<Void> started = engine.start().toCompletableFuture();
        engine.close();
        assertThrows(CompletionException.class, started::join);
    }

    @Test
    void tokensComeNoSoonerThanPrefillAndInterTokenLatencyAllow() {
        // 50 prompt tokens at 2000 ms per 1000: 100 ms of prefill; 20 ms between tokens; all at 2×.
        MockEngine engine = unstarted(new MockerSettings(20, 2000, 2, 100, 16, 4, 0));
        engine.start().toCompletableFuture().join();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        long begin = System.nanoTime();
        RecordingSink sink = new RecordingSink(output -> arrivals.add(System.nanoTime()));
        engine.generate("timed", request(prompt(50), 5), sink);
        sink.awaitDone();

        long prefillNanos = 50_000_000L; // 100 ms / 2
        long itlNanos = 10_000_000L; // 20 ms / 2
        assertTrue(arrivals.get(0) - begin >= prefillNanos, "time to first token");
        for (int i = 1; i < 5; i++) {
            assertTrue(arrivals.get(i) - begin >= prefillNanos + i * itlNanos, "token " + i);
        }
    }

    /**
     * Flow control (issue 26): a sink that pauses its generation from inside a token gets no further
     * token, the sequence keeps its slot, and after resume the stream goes on to the same tokens an
     * uninterrupted run makes.
     */
    @Test
    void aPausedSequenceMakesNoTokenUntilResumedAndThenFinishesTheSameStream() {
        MockEngine engine = engine(0, 0, 1000, 16, 4);
        GenerateRequest request = request(prompt(8), 40);
        RecordingSink plain = new RecordingSink();
        engine.generate("plain", request, plain);
        plain.awaitDone();

        AtomicReference<Generation> handle = new AtomicReference<>();
        AtomicInteger seen = new AtomicInteger();
        RecordingSink paused = new RecordingSink(output -> {
            if (seen.incrementAndGet() == 5) {
                // generate() may not have returned the handle yet; it does without waiting on this thread.
                while (handle.get() == null) {
                    Thread.onSpinWait();
                }
                handle.get().pause();
            }
        });
        handle.set(engine.generate("paused", request, paused));
        paused.awaitOutputs(5);
        // ITL 0: an engine that ignored the pause would have made the next token at once.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> paused.outputs.size() == 5);
        assertEquals(1, engine.loadMetrics(1).activeSequences(), "a paused sequence keeps its place");
        handle.get().resume();
        paused.awaitDone();
        assertTrue(paused.ended(), "the paused stream ended normally: " + paused.error());
        assertEquals(plain.tokenIds(), paused.tokenIds(), "the same tokens as an uninterrupted run");
        assertEquals(List.of(), paused.violations);
    }
}
