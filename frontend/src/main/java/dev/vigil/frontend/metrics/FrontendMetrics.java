package dev.vigil.frontend.metrics;

import static dev.vigil.frontend.metrics.MetricNames.MODEL;
import static dev.vigil.frontend.metrics.MetricNames.OUTCOME;
import static dev.vigil.frontend.metrics.MetricNames.RETRY;
import static dev.vigil.frontend.metrics.MetricNames.STREAM;
import static dev.vigil.frontend.metrics.MetricNames.UNARY;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;

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

    public void cancellation(String model, String endpoint, boolean stream) {
        RequestMetrics.cancellations(registry, model, endpoint, stream ? STREAM : UNARY)
                .increment();
    }
}
