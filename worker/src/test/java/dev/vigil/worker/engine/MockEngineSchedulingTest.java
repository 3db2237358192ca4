package dev.vigil.worker.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.testing.LogCapture;

/**
 * The mock engine's scheduling: admission and queueing, KV block accounting, stop and kill, start-up
 * and timing. Time is never waited for: delays are zero, or so long ("frozen") that the state they
 * hold can be looked at at leisure and ended with stop or kill; timing is only checked against lower
 * bounds computed from the settings.
 */
class MockEngineSchedulingTest {

    /** Ten minutes: a delay no test waits out. */
    static final int FROZEN_MS = 600_000;
    /** Prefill milliseconds per 1000 tokens that freeze a prompt of a few tokens in prefill. */
    static final int FROZEN_PREFILL = 600_000_000;

    final List<MockEngine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        engines.forEach(MockEngine::close);
    }

    MockEngine engine(int itlMs, int prefillMsPer1k, int numBlocks, int blockSize, int maxNumSeqs) {
        MockEngine engine =
                unstarted(new MockerSettings(itlMs, prefillMsPer1k, 1, numBlocks, blockSize, maxNumSeqs, 0));
        engine.start().toCompletableFuture().join();
        return engine;
    }

    MockEngine unstarted(MockerSettings settings) {
        MockEngine engine = new MockEngine(settings, Tokenizer.cl100k());
        engines.add(engine);
        return engine;
    }

    static List<Integer> prompt(int tokens) {
        return IntStream.range(1000, 1000 + tokens).boxed().toList();
    }

    static GenerateRequest request(List<Integer> prompt, int maxTokens) {
        return new GenerateRequest("mock", prompt, new StopConditions(maxTokens, null, null, true), null);
    }

    static void assertLoad(LoadMetrics m, long used, long prefillTokens, long decodeBlocks, int active, int queued) {
        assertEquals(
                List.of(used, prefillTokens, decodeBlocks, (long) active, (long) queued),
                List.of(
                        m.kvUsedBlocks(),
                        m.activePrefillTokens(),
                        m.activeDecodeBlocks(),
                        (long) m.activeSequences(),
                        (long) m.queueDepth()),
                "kv_used_blocks, active_prefill_tokens, active_decode_blocks, active_sequences, queue_depth: " + m);
    }

    @Test
    void loadMetricsNameTheWorkerAndTheCacheSize() {
        LoadMetrics m = engine(0, 0, 321, 16, 4).loadMetrics(42);
        assertEquals(42, m.workerId());
        assertEquals(321, m.kvTotalBlocks());
        assertLoad(m, 0, 0, 0, 0, 0);
    }

    @Test
    void sequencesBeyondMaxNumSeqsWaitInAQueue() {
        MockEngine engine = engine(FROZEN_MS, 0, 100, 4, 1);
        RecordingSink a = new RecordingSink();
        Generation first = engine.generate("a", request(prompt(8), 50), a);
        a.awaitOutputs(1);
        RecordingSink b = new RecordingSink();
        Generation second = engine.generate("b", request(prompt(8), 50), b);

        // a holds ⌈9/4⌉ = 3 blocks while decoding; b waits without blocks.
        assertLoad(engine.loadMetrics(1), 3, 0, 3, 1, 1);
        assertTrue(b.outputs.isEmpty());

        first.stop();
        b.awaitOutputs(1);
        assertLoad(engine.loadMetrics(1), 3, 0, 3, 1, 0);
        second.kill();
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
    }

    @Test
    void aPromptWaitsForFreeBlocks() {
        // 4 blocks of 4 tokens; each prompt of 7 tokens needs 2 blocks (and room for its next token).
        MockEngine engine = engine(FROZEN_MS, 0, 4, 4, 8);
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        RecordingSink c = new RecordingSink();
        Generation first = engine.generate("a", request(prompt(7), 5), a);
        engine.generate("b", request(prompt(7), 5), b);
        engine.generate("c", request(prompt(3), 5), c);
        a.awaitOutputs(1);
        b.awaitOutputs(1);
        // a and b hold all 4 blocks: c waits for one although a slot is free.
        assertLoad(engine.loadMetrics(1), 4, 0, 4, 2, 1);
        first.kill();
        c.awaitOutputs(1);
        assertLoad(engine.loadMetrics(1), 3, 0, 3, 2, 0);
    }

    @Test
    void aPrefillingSequenceCountsItsPromptTokensAndBlocks() {
        MockEngine engine = engine(FROZEN_MS, FROZEN_PREFILL, 100, 4, 4);
        Generation generation = engine.generate("p", request(prompt(10), 5), new RecordingSink());
        assertLoad(engine.loadMetrics(1), 3, 10, 0, 1, 0);
        generation.stop();
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
    }

    @Test
    void aDecodingSequenceHoldsTheBlocksOfPromptAndGeneratedTokens() {
        MockEngine engine = engine(FROZEN_MS, 0, 100, 4, 4);
        RecordingSink sink = new RecordingSink();
        Generation generation = engine.generate("d", request(prompt(12), 5), sink);
        sink.awaitOutputs(1);
        // 12 prompt tokens and 1 generated: ⌈13/4⌉ = 4 blocks.
        assertLoad(engine.loadMetrics(1), 4, 0, 4, 1, 0);
        generation.kill();
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
    }

    @Test
    void finishedSequencesLeaveTheirFullBlocksCachedUntilCleared() {
        MockEngine engine = engine(0, 0, 100, 4, 4);
        RecordingSink sink = new RecordingSink();
        engine.generate("f", request(prompt(10), 7), sink);
        sink.awaitDone();
        // 17 tokens: 4 full blocks stay in the prefix cache, the partial fifth is freed. Cached
        // blocks are free capacity, so the load says nothing is used.
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
        assertEquals(4, engine.cachedBlocks());
        assertEquals(4, engine.clearKvBlocks());
        assertEquals(0, engine.cachedBlocks());
        assertEquals(0, engine.clearKvBlocks());
    }

    @Test
    void aPromptStartingWithCachedBlocksSkipsTheirPrefill() {
        MockEngine engine = engine(0, FROZEN_PREFILL, 100, 4, 4);
        // An empty prompt has nothing to prefill, so it runs at once: its 12 tokens fill 3 blocks.
        RecordingSink first = new RecordingSink();
        engine.generate("first", request(List.of(), 12), first);
        first.awaitDone();
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
        assertEquals(3, engine.cachedBlocks());

        // The same 12 tokens as a prompt: 2 blocks come from the cache (the last token is always
        // computed, so the third is not used), 4 tokens are left to prefill. It holds 3 blocks: the
        // 2 it took over and 1 new; the third cached block stays cached.
        Generation again = engine.generate("again", request(first.tokenIds(), 5), new RecordingSink());
        assertLoad(engine.loadMetrics(1), 3, 4, 0, 1, 0);
        assertEquals(1, engine.cachedBlocks());
        again.kill();

        Generation other = engine.generate("other", request(prompt(12), 5), new RecordingSink());
        LoadMetrics m = engine.loadMetrics(1);
        assertEquals(12, m.activePrefillTokens());
        other.kill();
    }

    @Test
    void cachedBlocksAreEvictedWhenANewSequenceNeedsThem() {
        MockEngine engine = engine(0, 0, 4, 4, 4);
        RecordingSink filler = new RecordingSink();
        engine.generate("filler", request(prompt(3), 13), filler);
        filler.awaitDone();
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
        assertEquals(4, engine.cachedBlocks());

        // The cache holds every block, yet a new prompt is admitted: two cached blocks make room.
        RecordingSink next = new RecordingSink();
        engine.generate("next", request(prompt(5), 1), next);
        next.awaitDone();
        assertNull(next.error());
        // Two blocks left of the filler's, and the one full block of the 6 tokens just finished.
        assertLoad(engine.loadMetrics(1), 0, 0, 0, 0, 0);
        assertEquals(3, engine.cachedBlocks());
        assertEquals(3, engine.clearKvBlocks());
    }

    @Test
    void sequencesThatOutgrowTheCacheArePreemptedAndStillProduceTheirText() {
        // 6 blocks of 2 tokens = 12 tokens; each sequence grows to 3 + 9 = 12 tokens, so the two
        // cannot both finish while the other holds blocks: one must be preempted and recomputed.
        List<Integer> promptA = prompt(3);
        List<Integer> promptB = IntStream.range(5000, 5003).boxed().toList();
        MockEngine alone = engine(0, 0, 6, 2, 2);
        RecordingSink soloA = new RecordingSink();
        alone.generate("a", request(promptA, 9), soloA);
        soloA.awaitDone();
        RecordingSink soloB = new RecordingSink();
        alone.generate("b", request(promptB, 9), soloB);
        soloB.awaitDone();

        MockEngine crowded = unstarted(new MockerSettings(0, 0, 1, 6, 2, 2, 0));
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        crowded.generate("a", request(promptA, 9), a);
        crowded.generate("b", request(promptB, 9), b);
        crowded.start(); // admits both at once
        a.awaitDone();
        b.awaitDone();

        assertEquals(soloA.outputs, a.outputs);
        assertEquals(soloB.outputs, b.outputs);
        assertEquals(List.of(), a.violations);
        assertEquals(List.of(), b.violations);
        LoadMetrics m = crowded.loadMetrics(1);
        assertEquals(0, m.activeSequences());
        assertEquals(0, m.queueDepth());
    }

    @Test
    void noSequenceOutgrowsTheWholeCache() {
        MockEngine engine = engine(0, 0, 4, 4, 4);
        RecordingSink sink = new RecordingSink();
        engine.generate("big", request(prompt(10), 100), sink);
        sink.awaitDone();
        assertEquals(6, sink.outputs.size(), "16 tokens fit");
        assertEquals(EngineOutput.LENGTH, sink.finishReason());

        RecordingSink full = new RecordingSink();
        engine.generate("full", request(prompt(16), 1), full);
        assertTrue(full.error().contains("no room in the KV cache"), full.error());
        assertTrue(full.outputs.isEmpty());
    }

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
    void zeroDelaysShareTheThreadsFairly() {
        MockEngine engine = unstarted(new MockerSettings(0, 0, 1, 16384, 16, 256, 0));
        AtomicReference<RecordingSink> longOne = new AtomicReference<>();
        AtomicInteger longOutputsWhenShortEnded = new AtomicInteger(-1);
        RecordingSink shortOne = new RecordingSink(output -> {
            if (output.finishReason() != null) {
                longOutputsWhenShortEnded.set(longOne.get().outputs.size());
            }
        });
        AtomicInteger seen = new AtomicInteger();
        // The short request arrives while the long one streams as fast as it can.
        longOne.set(new RecordingSink(output -> {
            if (seen.incrementAndGet() == 10) {
                engine.generate("short", request(prompt(10), 5), shortOne);
            }
        }));
        engine.generate("long", request(prompt(10), 256), longOne.get());
        engine.start();
        shortOne.awaitDone();
        longOne.get().awaitDone();
        assertEquals(256, longOne.get().outputs.size());
        int longOutputs = longOutputsWhenShortEnded.get();
        assertTrue(longOutputs > 0 && longOutputs < 256, "the short request did not wait: " + longOutputs);
    }

    @Test
    void manyConcurrentRequestsAllFinish() {
        MockEngine engine = engine(0, 0, 16384, 16, 8);
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RecordingSink sink = new RecordingSink();
            sinks.add(sink);
            engine.generate("r" + i, request(prompt(20 + i), 30), sink);
        }
        for (RecordingSink sink : sinks) {
            sink.awaitDone();
            assertEquals(30, sink.outputs.size());
            assertEquals(List.of(), sink.violations);
        }
        LoadMetrics m = engine.loadMetrics(1);
        assertEquals(0, m.activeSequences());
        assertEquals(0, m.queueDepth());
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
