package dev.vigil.frontend.api;

import static dev.vigil.frontend.metrics.MetricNames.CANCELLATION;
import static dev.vigil.frontend.metrics.MetricNames.ENDPOINT;
import static dev.vigil.frontend.metrics.MetricNames.MAX_SEQ_LEN_EXCEEDED;
import static dev.vigil.frontend.metrics.MetricNames.MIGRATION;
import static dev.vigil.frontend.metrics.MetricNames.MIGRATION_TYPE;
import static dev.vigil.frontend.metrics.MetricNames.MODEL;
import static dev.vigil.frontend.metrics.MetricNames.OUTCOME;
import static dev.vigil.frontend.metrics.MetricNames.REJECTION;
import static dev.vigil.frontend.metrics.MetricNames.REQUEST_TYPE;
import static dev.vigil.frontend.metrics.MetricNames.RETRY;
import static dev.vigil.frontend.metrics.MetricNames.STREAM;
import static dev.vigil.frontend.metrics.MetricNames.UNARY;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.frontend.metrics.MetricNames;

/** The frontend's fault-tolerance counters; their names are in {@link MetricNames}. */
@ApplicationScoped
public class FrontendMetrics {

    @Inject
    MeterRegistry registry;

    public void migration(String model, String type) {
        registry.counter(MIGRATION, MODEL, model, MIGRATION_TYPE, type).increment();
    }

    public void maxSeqLenExceeded(String model) {
        registry.counter(MAX_SEQ_LEN_EXCEEDED, MODEL, model).increment();
    }

    public void rejection(String model, String endpoint) {
        registry.counter(REJECTION, MODEL, model, ENDPOINT, endpoint).increment();
    }

    /** An attempt that failed before the first token was retried, or not for want of budget. */
    public void retry(String model, String outcome) {
        registry.counter(RETRY, MODEL, model, OUTCOME, outcome).increment();
    }

    public void cancellation(String model, String endpoint, boolean stream) {
        registry.counter(CANCELLATION, MODEL, model, ENDPOINT, endpoint, REQUEST_TYPE, stream ? STREAM : UNARY)
                .increment();
    }
}
