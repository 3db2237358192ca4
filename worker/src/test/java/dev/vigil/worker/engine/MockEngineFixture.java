package dev.vigil.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;

import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.tokenizer.Tokenizer;

/**
 * What the mock engine's tests share: engines closed after each test, prompts, requests, and the
 * load assertion. Time is never waited for: delays are zero, or so long ("frozen") that the state
 * they hold can be looked at at leisure and ended with stop or kill.
 */
abstract class MockEngineFixture {

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
}
