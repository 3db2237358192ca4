package dev.vigil.frontend.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.DecimalConverter;
import dev.vigil.runtime.config.NonNegativeIntConverter;

/**
 * Load shedding: when every worker of a model is busy, new requests get 503 at once instead of
 * queueing. All thresholds unset (the default) means no worker is ever busy.
 */
@ConfigMapping(prefix = "dyn")
public interface LoadSheddingConfig {

    /**
     * {@code DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD}: a worker is busy when its used KV blocks exceed this
     * fraction (0–1) of its total. Cleared only once both used and active decode blocks are at or below.
     */
    @WithName("active-decode-blocks-threshold")
    @WithConverter(DecimalConverter.Fraction.class)
    Optional<Double> activeDecodeBlocksThreshold();

    /** {@code DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD}: busy while more prompt tokens than this await prefill. */
    @WithName("active-prefill-tokens-threshold")
    @WithConverter(NonNegativeIntConverter.class)
    Optional<Integer> activePrefillTokensThreshold();

    /**
     * {@code DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD_FRAC}: busy while more prompt tokens than this
     * multiple of the worker's batch size (Dynamo's {@code max_num_batched_tokens}; 10 000 000 when the
     * worker does not say) await prefill.
     */
    @WithName("active-prefill-tokens-threshold-frac")
    @WithConverter(DecimalConverter.NonNegative.class)
    Optional<Double> activePrefillTokensThresholdFrac();

    /**
     * {@code DYN_HTTP_OVERLOAD_STATUS_CODE}: the status of the "all workers are busy" answer, {@code
     * 503} (Vigil's default, the seeds'), {@code 529} (Dynamo's current default) or {@code 429}
     * (Vigil's addition); anything else falls back to 503 with a WARN, as Dynamo falls back to its
     * default. Always with {@code Retry-After}, estimated from the workers' queues ({@code
     * RetryAfterEstimate}).
     */
    @WithName("http-overload-status-code")
    @WithDefault("503")
    @WithConverter(OverloadStatusConverter.class)
    int overloadStatusCode();
}
