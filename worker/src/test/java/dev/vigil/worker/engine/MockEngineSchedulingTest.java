package dev.vigil.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.LoadMetrics;

/**
 * The mock engine's scheduling: admission and queueing, KV block accounting, fairness among
 * requests. Time is never waited for: delays are zero, or so long ("frozen") that the state they hold
 * can be looked at at leisure and ended with stop or kill ({@link MockEngineFixture}).
 */
class MockEngineSchedulingTest extends MockEngineFixture {

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
}
