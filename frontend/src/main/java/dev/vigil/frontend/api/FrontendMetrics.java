package dev.vigil.frontend.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;

/** The frontend's fault-tolerance counters, under Dynamo's Prometheus names. */
@ApplicationScoped
public class FrontendMetrics {

    /** Renders as {@code dynamo_frontend_model_migration_total{model,migration_type}}. */
    public static final String MIGRATION = "dynamo.frontend.model.migration";
    /** Renders as {@code dynamo_frontend_model_migration_max_seq_len_exceeded_total{model}}. */
    public static final String MAX_SEQ_LEN_EXCEEDED = "dynamo.frontend.model.migration.max.seq.len.exceeded";
    /** Renders as {@code dynamo_frontend_model_cancellation_total{model,endpoint,request_type}}. */
    public static final String CANCELLATION = "dynamo.frontend.model.cancellation";

    /** Renders as {@code dynamo_frontend_model_rejection_total{model,endpoint}}. */
    public static final String REJECTION = "dynamo.frontend.model.rejection";

    public static final String NEW_REQUEST = "new_request";
    public static final String ONGOING_REQUEST = "ongoing_request";

    @Inject
    MeterRegistry registry;

    public void migration(String model, String type) {
        registry.counter(MIGRATION, "model", model, "migration_type", type).increment();
    }

    public void maxSeqLenExceeded(String model) {
        registry.counter(MAX_SEQ_LEN_EXCEEDED, "model", model).increment();
    }

    public void rejection(String model, String endpoint) {
        registry.counter(REJECTION, "model", model, "endpoint", endpoint).increment();
    }

    public void cancellation(String model, String endpoint, boolean stream) {
        registry.counter(
                        CANCELLATION, "model", model, "endpoint", endpoint, "request_type", stream ? "stream" : "unary")
                .increment();
    }
}
