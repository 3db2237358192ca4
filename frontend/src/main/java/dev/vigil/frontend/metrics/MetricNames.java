package dev.vigil.frontend.metrics;

/**
 * Every Prometheus series the frontend writes, by its Micrometer name (dots become underscores and
 * counters gain {@code _total} on {@code /metrics}), with its label keys. Dynamo's names where Dynamo
 * has the series. Vigil's probe series keep the {@code dynamo_frontend_} prefix; the worker state,
 * circuit and retry series carry {@code vigil_frontend_}, the names their issue gave them.
 */
public final class MetricNames {

    /** {@code dynamo_frontend_model_migration_total{model,migration_type}}. */
    public static final String MIGRATION = "dynamo.frontend.model.migration";
    /** {@code dynamo_frontend_model_migration_max_seq_len_exceeded_total{model}}. */
    public static final String MAX_SEQ_LEN_EXCEEDED = "dynamo.frontend.model.migration.max.seq.len.exceeded";
    /** {@code dynamo_frontend_model_cancellation_total{model,endpoint,request_type}}. */
    public static final String CANCELLATION = "dynamo.frontend.model.cancellation";
    /** {@code dynamo_frontend_model_rejection_total{model,endpoint}}. */
    public static final String REJECTION = "dynamo.frontend.model.rejection";

    /** {@code dynamo_frontend_probe_total{instance,probe,result}} (Vigil's). */
    public static final String PROBES = "dynamo.frontend.probe";
    /** {@code dynamo_frontend_probe_duration_seconds{instance,probe}}, a histogram (Vigil's). */
    public static final String PROBE_DURATION = "dynamo.frontend.probe.duration";
    /** {@code dynamo_frontend_routable_instances} (Vigil's). */
    public static final String ROUTABLE_INSTANCES = "dynamo.frontend.routable.instances";

    /**
     * Renders as {@code vigil_frontend_worker_state{instance,state}}: 1 for the state this frontend
     * sees each worker process in (joining, probing, ready, inhibited, open_circuit, draining, gone).
     */
    public static final String WORKER_STATE = "vigil.frontend.worker.state";
    /**
     * Renders as {@code vigil_frontend_circuit_breaker_state{instance,state}}: 1 for the state each
     * worker instance's circuit is in, 0 for the others ({@code DYN_CB_ENABLED}).
     */
    public static final String CIRCUIT_STATE = "vigil.frontend.circuit.breaker.state";
    /** Renders as {@code vigil_frontend_circuit_breaker_transitions_total{instance,from,to}}. */
    public static final String CIRCUIT_TRANSITIONS = "vigil.frontend.circuit.breaker.transitions";
    /**
     * Renders as {@code vigil_frontend_retry_total{model,outcome}}: attempts that failed before the
     * first token and were retried ({@code retried}) or not, because the retry budget was spent
     * ({@code budget_exhausted}).
     */
    public static final String RETRY = "vigil.frontend.retry";

    // Label keys.
    public static final String MODEL = "model";
    public static final String ENDPOINT = "endpoint";
    public static final String MIGRATION_TYPE = "migration_type";
    public static final String REQUEST_TYPE = "request_type";
    public static final String INSTANCE = "instance";
    public static final String PROBE = "probe";
    public static final String RESULT = "result";
    public static final String STATE = "state";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String OUTCOME = "outcome";

    // Label values.
    public static final String NEW_REQUEST = "new_request";
    public static final String ONGOING_REQUEST = "ongoing_request";
    public static final String STREAM = "stream";
    public static final String RETRIED = "retried";
    public static final String BUDGET_EXHAUSTED = "budget_exhausted";
    public static final String UNARY = "unary";

    private MetricNames() {}
}
