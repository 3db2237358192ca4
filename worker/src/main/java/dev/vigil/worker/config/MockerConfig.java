package dev.vigil.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.DecimalConverter;
import dev.vigil.runtime.config.NonNegativeIntConverter;
import dev.vigil.runtime.config.PositiveIntConverter;

/**
 * The mock engine, configured by {@code DYN_MOCKER_*} variables: its timing, the size of its
 * simulated KV cache and how many sequences it runs at once. The names follow Dynamo's mocker
 * arguments where it has one ({@code speedup_ratio}, {@code num_gpu_blocks}, {@code block_size},
 * {@code max_num_seqs}); the engine reads them through {@code MockerSettings.from}.
 */
@ConfigMapping(prefix = "dyn.mocker")
public interface MockerConfig {

    /** {@code DYN_MOCKER_ITL_MS}: inter-token latency, milliseconds between two streamed tokens; 0 or more. */
    @WithDefault("10")
    @WithConverter(NonNegativeIntConverter.class)
    int itlMs();

    /**
     * {@code DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS}: prefill time per 1000 prompt tokens, so the time to
     * first token grows with the prompt (prompt tokens / 1000 × this); 0 or more.
     */
    @WithName("prefill-ms-per-1k-tokens")
    @WithDefault("50")
    @WithConverter(NonNegativeIntConverter.class)
    int prefillMsPer1kTokens();

    /**
     * {@code DYN_MOCKER_SPEEDUP_RATIO}: every simulated delay is divided by this; greater than 0, may
     * be fractional ({@code 0.5} runs at half speed).
     */
    @WithDefault("1")
    @WithConverter(DecimalConverter.Positive.class)
    double speedupRatio();

    /** {@code DYN_MOCKER_NUM_BLOCKS}: blocks in the simulated KV cache; 1 or more. */
    @WithDefault("16384")
    @WithConverter(PositiveIntConverter.class)
    int numBlocks();

    /** {@code DYN_MOCKER_BLOCK_SIZE}: tokens per KV cache block; 1 or more. */
    @WithDefault("16")
    @WithConverter(PositiveIntConverter.class)
    int blockSize();

    /** {@code DYN_MOCKER_MAX_NUM_SEQS}: sequences generated at once; the rest wait in a queue; 1 or more. */
    @WithDefault("256")
    @WithConverter(PositiveIntConverter.class)
    int maxNumSeqs();

    /**
     * {@code DYN_MOCKER_STARTUP_DELAY_MS}: simulated model load, milliseconds before the engine is
     * ready and its endpoints are served (divided by the speedup ratio too); 0 or more.
     */
    @WithDefault("0")
    @WithConverter(NonNegativeIntConverter.class)
    int startupDelayMs();
}
