package dev.vigil.worker.engine;

import dev.vigil.worker.config.MockerConfig;

/**
 * What the mock engine needs from its configuration, as a plain value so that the engine can be
 * built and tested without Quarkus. The constructor checks the same bounds as the converters of
 * {@link MockerConfig}.
 *
 * @param itlMs milliseconds between two tokens of one sequence, 0 or more
 * @param prefillMsPer1kTokens prefill milliseconds per 1000 prompt tokens (time to first token), 0 or more
 * @param speedupRatio every delay is divided by this, greater than 0
 * @param numBlocks KV cache blocks, 1 or more
 * @param blockSize tokens per KV cache block, 1 or more
 * @param maxNumSeqs sequences running at once, 1 or more; the rest wait in a FIFO queue
 * @param startupDelayMs simulated model load before the engine is ready, 0 or more
 */
public record MockerSettings(
        int itlMs,
        int prefillMsPer1kTokens,
        double speedupRatio,
        int numBlocks,
        int blockSize,
        int maxNumSeqs,
        int startupDelayMs) {

    public MockerSettings {
        requireAtLeast("itlMs", itlMs, 0);
        requireAtLeast("prefillMsPer1kTokens", prefillMsPer1kTokens, 0);
        if (!(speedupRatio > 0) || Double.isInfinite(speedupRatio)) {
            throw new IllegalArgumentException("speedupRatio must be a finite number greater than 0: " + speedupRatio);
        }
        requireAtLeast("numBlocks", numBlocks, 1);
        requireAtLeast("blockSize", blockSize, 1);
        requireAtLeast("maxNumSeqs", maxNumSeqs, 1);
        requireAtLeast("startupDelayMs", startupDelayMs, 0);
    }

    /** The defaults of {@link MockerConfig}. */
    public static MockerSettings defaults() {
        return new MockerSettings(10, 50, 1.0, 16384, 16, 256, 0);
    }

    public static MockerSettings from(MockerConfig config) {
        return new MockerSettings(
                config.itlMs(),
                config.prefillMsPer1kTokens(),
                config.speedupRatio(),
                config.numBlocks(),
                config.blockSize(),
                config.maxNumSeqs(),
                config.startupDelayMs());
    }

    /** Nanoseconds between two tokens of one sequence, after the speedup. */
    public long itlNanos() {
        return scaled(itlMs);
    }

    /** Nanoseconds to prefill {@code tokens} prompt tokens, after the speedup. */
    public long prefillNanos(long tokens) {
        return scaled(tokens / 1000.0 * prefillMsPer1kTokens);
    }

    /** Nanoseconds of simulated model load, after the speedup. */
    public long startupDelayNanos() {
        return scaled(startupDelayMs);
    }

    /** Tokens the whole KV cache holds: no sequence can grow beyond this. */
    public long capacityTokens() {
        return (long) numBlocks * blockSize;
    }

    private long scaled(double millis) {
        return Math.round(millis * 1_000_000.0 / speedupRatio);
    }

    private static void requireAtLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be " + minimum + " or more: " + value);
        }
    }
}
