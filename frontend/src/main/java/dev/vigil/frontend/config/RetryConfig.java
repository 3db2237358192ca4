package dev.vigil.frontend.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.DecimalConverter;
import dev.vigil.runtime.config.NonNegativeIntConverter;
import dev.vigil.runtime.config.PositiveIntConverter;

/**
 * Vigil's retries before the first token: an attempt that fails before any token reached the client
 * (the worker could not be reached, its stream broke or went silent) is sent again to another worker,
 * after an exponential backoff with full jitter, while the frontend-wide retry budget allows. Once a
 * token went out, migration ({@code DYN_MIGRATION_LIMIT}) takes over.
 */
@ConfigMapping(prefix = "dyn.retry")
public interface RetryConfig {

    /**
     * {@code DYN_RETRY_MAX_ATTEMPTS}: retries per request before its first token, on top of the
     * first attempt; 0 (the default) keeps Dynamo's behaviour, where only {@code DYN_MIGRATION_LIMIT}
     * re-sends a request.
     */
    @WithDefault("0")
    @WithConverter(NonNegativeIntConverter.class)
    int maxAttempts();

    /** {@code DYN_RETRY_BACKOFF_BASE_MS}: the first retry waits up to this long; each next one up to twice that. */
    @WithName("backoff-base-ms")
    @WithDefault("50")
    @WithConverter(PositiveIntConverter.class)
    int backoffBaseMs();

    /** {@code DYN_RETRY_BACKOFF_MAX_MS}: no retry waits longer than this. */
    @WithName("backoff-max-ms")
    @WithDefault("1000")
    @WithConverter(PositiveIntConverter.class)
    int backoffMaxMs();

    /**
     * {@code DYN_RETRY_BUDGET_RATIO}: retries within the last 10 s may be at most this fraction of the
     * requests within them (plus the floor below), so a sick cluster is not stormed by its own
     * retries; 0–1.
     */
    @WithName("budget-ratio")
    @WithDefault("0.2")
    @WithConverter(DecimalConverter.Fraction.class)
    double budgetRatio();

    /** {@code DYN_RETRY_BUDGET_MIN_PER_SEC}: retries per second always allowed, so a quiet frontend can still retry. */
    @WithName("budget-min-per-sec")
    @WithDefault("1")
    @WithConverter(NonNegativeIntConverter.class)
    int budgetMinPerSec();
}
