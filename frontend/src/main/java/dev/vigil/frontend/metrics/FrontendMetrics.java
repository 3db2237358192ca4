package dev.vigil.frontend.metrics;

import static dev.vigil.frontend.metrics.MetricNames.MODEL;
import static dev.vigil.frontend.metrics.MetricNames.OUTCOME;
import static dev.vigil.frontend.metrics.MetricNames.RETRY;
import static dev.vigil.frontend.metrics.MetricNames.STREAM;
import static dev.vigil.frontend.metrics.MetricNames.UNARY;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The frontend's fault-tolerance counters; their names are in {@link MetricNames}, their meters are
 * built by {@link RequestMetrics}, which also registers them at 0 for every discovered model.
 */
@ApplicationScoped
public class FrontendMetrics {

    @Inject
    MeterRegistry registry;

    public void migration(String model, String type) {
        RequestMetrics.migrations(registry, model, type).increment();
    }

    public void maxSeqLenExceeded(String model) {
        RequestMetrics.maxSeqLenExceeded(registry, model).increment();
    }

    public void rejection(String model, String endpoint) {
        RequestMetrics.rejections(registry, model, endpoint).increment();
    }

    /** An attempt that failed before the first token was retried, or not for want of budget. */
    public void retry(String model, String outcome) {
        registry.counter(RETRY, MODEL, model, OUTCOME, outcome).increment();
    }

    /** A worker answered an attempt that its engine is full. */
    public void busyAnswer(String model) {
        registry.counter(MetricNames.BUSY_ANSWERS, MODEL, model).increment();
    }

    /** A streaming client was cut for not reading ({@link MetricNames#STALLED} or {@link MetricNames#BUFFER_FULL}). */
    public void slowClientCut(String model, String reason) {
        registry.counter(MetricNames.SLOW_CLIENTS_CUT, MODEL, model, MetricNames.REASON, reason)
                .increment();
    }

    /** A request reached its deadline in {@code phase} ({@link MetricNames#BEFORE_FIRST_TOKEN}, {@link MetricNames#STREAMING}). */
    public void deadlineExceeded(String model, String phase) {
        Counter.builder(MetricNames.DEADLINE_EXCEEDED)
                .tags(MODEL, model, MetricNames.PHASE, phase)
                .description("Requests ended at their deadline, by the phase they were in")
                .register(registry)
                .increment();
    }

    /** A completion ended with an error the frontend answered, for {@code reason} (a {@code DROP_*} value). */
    public void dropped(String model, String reason) {
        Counter.builder(MetricNames.REQUESTS_DROPPED)
                .tags(MODEL, model, MetricNames.REASON, reason)
                .description("Completions that ended with an error the frontend answered, by reason")
                .register(registry)
                .increment();
    }

    /** A migrated stream's first new token came {@code gapNanos} after the last one of the attempt that broke. */
    public void migrationRecovery(String model, long gapNanos) {
        Timer.builder(MetricNames.MIGRATION_RECOVERY)
                .tags(MODEL, model)
                .description(
                        "Gap a migrated stream showed, from the broken attempt's last token to the next attempt's first")
                .serviceLevelObjectives(Arrays.stream(LogBuckets.MIGRATION_RECOVERY.bounds())
                        .filter(bound -> bound > 0)
                        .mapToObj(seconds -> Duration.ofNanos(Math.round(seconds * 1e9)))
                        .toArray(Duration[]::new))
                .register(registry)
                .record(gapNanos, TimeUnit.NANOSECONDS);
    }

    public void cancellation(String model, String endpoint, boolean stream) {
        RequestMetrics.cancellations(registry, model, endpoint, stream ? STREAM : UNARY)
                .increment();
    }
}
