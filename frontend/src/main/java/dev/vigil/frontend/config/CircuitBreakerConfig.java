package dev.vigil.frontend.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.PositiveIntConverter;
import dev.vigil.runtime.config.SecondsConverter;
import dev.vigil.runtime.config.StrictBooleanConverter;

/**
 * Vigil's per-worker circuit breaker in the frontend, after SGLang's model gateway ({@code --cb-*}):
 * closed → open after {@code failure-threshold} failures within {@code window}; after {@code timeout}
 * half-open, one trial request at a time; closed again after {@code success-threshold} successes in a
 * row, open again on a failure.
 */
@ConfigMapping(prefix = "dyn.cb")
public interface CircuitBreakerConfig {

    /**
     * {@code DYN_CB_ENABLED}: {@code true} replaces the flat local inhibition ({@code
     * DYN_RUNTIME_INHIBITED_DURATION_SECS}) with a circuit breaker per worker instance. Off by
     * default: Dynamo's inhibition.
     */
    @WithDefault("false")
    @WithConverter(StrictBooleanConverter.class)
    boolean enabled();

    /** {@code DYN_CB_FAILURE_THRESHOLD}: failures within the window that open the circuit, ≥ 1. */
    @WithDefault("5")
    @WithConverter(PositiveIntConverter.class)
    int failureThreshold();

    /** {@code DYN_CB_SUCCESS_THRESHOLD}: successes in a row, half-open, that close it again, ≥ 1. */
    @WithDefault("2")
    @WithConverter(PositiveIntConverter.class)
    int successThreshold();

    /** {@code DYN_CB_TIMEOUT_SECS}: how long an open circuit stays open before a trial, whole seconds ≥ 1. */
    @WithName("timeout-secs")
    @WithDefault("10")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Duration timeout();

    /** {@code DYN_CB_WINDOW_SECS}: how far back failures count, whole seconds ≥ 1. */
    @WithName("window-secs")
    @WithDefault("30")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Duration window();
}
