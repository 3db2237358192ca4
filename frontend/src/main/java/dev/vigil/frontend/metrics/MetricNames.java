package dev.vigil.frontend.metrics;

/**
 * Every Prometheus series the frontend writes, by its Micrometer name (dots become underscores and
 * counters gain {@code _total} on {@code /metrics}), with its label keys.
 *
 * <p>THE NAMING RULE (also in docs/observability.md, "Naming"; the same in the worker's {@code
 * WorkerMetricNames} and health-common's {@code MetricNames}): a series Dynamo has keeps Dynamo's
 * exact name and labels ({@code dynamo_frontend_*}), so a dashboard or alert written for Dynamo works
 * on Vigil; a series only Vigil has is named {@code vigil_frontend_*}, so nobody looks for it in
 * Dynamo's documentation. The probe series were {@code dynamo_frontend_probe_*} and {@code
 * dynamo_frontend_routable_instances} until they were renamed to follow it. The meters themselves
 * are built only in this package ({@code BoundariesTest}).
 */
public final class MetricNames {

    // Dynamo's request metrics (lib/llm/src/http/service/metrics.rs), same names, labels and buckets.

    /** {@code dynamo_frontend_requests_total{model,endpoint,request_type,status,error_type}}. */
    public static final String REQUESTS = "dynamo.frontend.requests";
    /** {@code dynamo_frontend_inflight_requests{model}}: from the handler until the response ended. */
    public static final String INFLIGHT_REQUESTS = "dynamo.frontend.inflight.requests";
    /** {@code dynamo_frontend_queued_requests{model}}: from the handler until the first token. */
    public static final String QUEUED_REQUESTS = "dynamo.frontend.queued.requests";
    /** {@code dynamo_frontend_disconnected_clients}: clients that left before their response ended. */
    public static final String DISCONNECTED_CLIENTS = "dynamo.frontend.disconnected.clients";
    /** {@code dynamo_frontend_request_duration_seconds{model}}, a histogram. */
    public static final String REQUEST_DURATION = "dynamo.frontend.request.duration";
    /** {@code dynamo_frontend_time_to_first_token_seconds{model}}, a histogram. */
    public static final String TIME_TO_FIRST_TOKEN = "dynamo.frontend.time.to.first.token";
    /** {@code dynamo_frontend_inter_token_latency_seconds{model}}, a histogram. */
    public static final String INTER_TOKEN_LATENCY = "dynamo.frontend.inter.token.latency";
    /** {@code dynamo_frontend_input_sequence_tokens{model}}, a histogram. */
    public static final String INPUT_SEQUENCE_TOKENS = "dynamo.frontend.input.sequence.tokens";
    /** {@code dynamo_frontend_output_sequence_tokens{model}}, a histogram. */
    public static final String OUTPUT_SEQUENCE_TOKENS = "dynamo.frontend.output.sequence.tokens";
    /** {@code dynamo_frontend_output_tokens_total{model}}, counted as tokens arrive. */
    public static final String OUTPUT_TOKENS = "dynamo.frontend.output.tokens";
    /** {@code dynamo_frontend_model_ready{model}}: 1 while at least one instance may take the model's requests. */
    public static final String MODEL_READY = "dynamo.frontend.model.ready";

    /** {@code dynamo_frontend_model_migration_total{model,migration_type}}. */
    public static final String MIGRATION = "dynamo.frontend.model.migration";
    /** {@code dynamo_frontend_model_migration_max_seq_len_exceeded_total{model}}. */
    public static final String MAX_SEQ_LEN_EXCEEDED = "dynamo.frontend.model.migration.max.seq.len.exceeded";
    /** {@code dynamo_frontend_model_cancellation_total{model,endpoint,request_type}}. */
    public static final String CANCELLATION = "dynamo.frontend.model.cancellation";
    /** {@code dynamo_frontend_model_rejection_total{model,endpoint}}. */
    public static final String REJECTION = "dynamo.frontend.model.rejection";

    // Vigil's own series: vigil_frontend_*.

    /** {@code vigil_frontend_probe_total{worker_id,probe,result}} (was {@code dynamo_frontend_probe_total}). */
    public static final String PROBES = "vigil.frontend.probe";
    /**
     * {@code vigil_frontend_probe_duration_seconds{worker_id,probe}}, a histogram (was {@code
     * dynamo_frontend_probe_duration_seconds}).
     */
    public static final String PROBE_DURATION = "vigil.frontend.probe.duration";
    /** {@code vigil_frontend_routable_instances} (was {@code dynamo_frontend_routable_instances}). */
    public static final String ROUTABLE_INSTANCES = "vigil.frontend.routable.instances";

    /**
     * Renders as {@code vigil_frontend_worker_state{worker_id,state}}: 1 for the state this frontend
     * sees each worker process in (joining, probing, ready, inhibited, open_circuit, draining, gone).
     */
    public static final String WORKER_STATE = "vigil.frontend.worker.state";
    /**
     * Renders as {@code vigil_frontend_circuit_breaker_state{worker_id,state}}: 1 for the state each
     * worker instance's circuit is in, 0 for the others ({@code DYN_CB_ENABLED}).
     */
    public static final String CIRCUIT_STATE = "vigil.frontend.circuit.breaker.state";
    /** Renders as {@code vigil_frontend_circuit_breaker_transitions_total{worker_id,from,to}}. */
    public static final String CIRCUIT_TRANSITIONS = "vigil.frontend.circuit.breaker.transitions";
    /**
     * Renders as {@code vigil_frontend_retry_total{model,outcome}}: attempts that failed before the
     * first token and were retried ({@code retried}) or not, because the retry budget was spent
     * ({@code budget_exhausted}).
     */
    public static final String RETRY = "vigil.frontend.retry";
    /**
     * Vigil's: attempts a worker answered "my engine is full" ({@code StreamError.Busy}); each was
     * sent on to another worker or, when every one refused, rejected as all busy.
     */
    public static final String BUSY_ANSWERS = "vigil.frontend.busy.answers";
    /**
     * Vigil's: {@code vigil_frontend_fail_open_total{model,reason}}, attempts sent to an instance this
     * frontend had excluded ({@code DYN_ROUTER_FAIL_OPEN}) because every instance of the model was;
     * {@code reason} is the worst exclusion of the instance taken ({@code inhibited}, {@code
     * circuit_half_open}, {@code circuit_open}, {@code probes_failed}).
     */
    public static final String FAIL_OPEN = "vigil.frontend.fail.open";

    /**
     * {@code vigil_frontend_shared_verdicts_total{event}}: verdicts on workers shared between
     * frontends through discovery ({@code DYN_ROUTER_SHARED_HEALTH}): {@code published} by this
     * frontend, {@code received} from others, {@code dropped} because the bounded write queue was full.
     */
    public static final String SHARED_VERDICTS = "vigil.frontend.shared.verdicts";
    /** What happened to a shared verdict: {@code published}, {@code received}, {@code dropped}. */
    public static final String EVENT = "event";
    /**
     * Vigil's: {@code vigil_frontend_slow_clients_cut_total{model,reason}}, streaming clients cut for
     * not reading their response: {@code stalled} (unwritable for {@code
     * DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS}) or {@code buffer_full} (the stream's bound was reached on a
     * plane without credit). Each is also a disconnected client.
     */
    public static final String SLOW_CLIENTS_CUT = "vigil.frontend.slow.clients.cut";

    /**
     * Vigil's: {@code vigil_frontend_inflight_limit_rejected_total}, completions refused at once
     * (503/529 with {@code Retry-After}) because {@code DYN_HTTP_MAX_INFLIGHT_REQUESTS} were in flight.
     */
    public static final String INFLIGHT_LIMIT_REJECTED = "vigil.frontend.inflight.limit.rejected";

    /**
     * Vigil's: {@code vigil_frontend_plane_tasks_rejected_total}, work the request plane's bounded
     * pool refused (its threads busy and its queue full) and events dropped for a subscription that
     * fell too far behind.
     */
    public static final String PLANE_TASKS_REJECTED = "vigil.frontend.plane.tasks.rejected";

    /**
     * Vigil's: {@code vigil_frontend_stream_held_bytes}, response bytes the request plane holds for
     * streams whose clients have not taken them (paused by flow control). At most one credit window
     * (64 KiB) per stream on the TCP plane, 256 KiB per stream on NATS.
     */
    public static final String STREAM_HELD_BYTES = "vigil.frontend.stream.held.bytes";

    /**
     * Vigil's: {@code vigil_frontend_deadline_exceeded_total{model,phase}}, requests ended at their
     * deadline ({@code x-request-timeout}, {@code nvext.timeout_ms}, {@code
     * DYN_HTTP_REQUEST_TIMEOUT_SECS}); {@code phase} is {@link #BEFORE_FIRST_TOKEN} or {@link
     * #STREAMING}.
     */
    public static final String DEADLINE_EXCEEDED = "vigil.frontend.deadline.exceeded";

    /**
     * Vigil's: {@code vigil_frontend_migration_recovery_seconds{model}}, a histogram of the gap a
     * migrated stream showed: from the last token of the attempt that broke to the first token of the
     * attempt that took over.
     */
    public static final String MIGRATION_RECOVERY = "vigil.frontend.migration.recovery";

    /**
     * Vigil's: {@code vigil_frontend_requests_dropped_total{model,reason}}, completions that ended
     * with an error the frontend answered, by why (the {@code DROP_*} values). Beside Dynamo's
     * {@code dynamo_frontend_model_rejection_total}, which counts only the all-busy refusals.
     */
    public static final String REQUESTS_DROPPED = "vigil.frontend.requests.dropped";

    public static final String PHASE = "phase";
    /** Deadline phases: nothing generated yet (sent, retried, or in a backoff), or tokens flowing. */
    public static final String BEFORE_FIRST_TOKEN = "before_first_token";

    public static final String STREAMING = "streaming";

    /** {@link #REQUESTS_DROPPED} reasons. */
    public static final String DROP_BAD_REQUEST = "bad_request";

    public static final String DROP_UNKNOWN_MODEL = "unknown_model";
    public static final String DROP_TOO_LARGE = "too_large";
    public static final String DROP_INFLIGHT_LIMIT = "inflight_limit";
    public static final String DROP_ALL_BUSY = "all_busy";
    public static final String DROP_NO_INSTANCE = "no_instance";
    public static final String DROP_DEADLINE = "deadline";
    public static final String DROP_BACKEND_ERROR = "backend_error";

    public static final String REASON = "reason";
    public static final String STALLED = "stalled";
    public static final String BUFFER_FULL = "buffer_full";

    // Label keys.
    public static final String MODEL = "model";
    public static final String ENDPOINT = "endpoint";
    public static final String MIGRATION_TYPE = "migration_type";
    public static final String REQUEST_TYPE = "request_type";
    /**
     * The worker instance a series is about, in decimal: Dynamo's {@code worker_id} label. Not
     * {@code instance}, which Prometheus sets on every scraped series to the scrape target (a
     * clash renames the scraped one {@code exported_instance}).
     */
    public static final String WORKER_ID = "worker_id";

    public static final String PROBE = "probe";
    public static final String RESULT = "result";
    public static final String STATE = "state";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String OUTCOME = "outcome";
    public static final String STATUS = "status";
    public static final String ERROR_TYPE = "error_type";

    // Label values.
    public static final String NEW_REQUEST = "new_request";
    public static final String ONGOING_REQUEST = "ongoing_request";
    public static final String STREAM = "stream";
    public static final String RETRIED = "retried";
    public static final String BUDGET_EXHAUSTED = "budget_exhausted";
    public static final String UNARY = "unary";
    public static final String SUCCESS = "success";
    public static final String ERROR = "error";
    /** The endpoint label values, as Dynamo names the OpenAI routes. */
    public static final String CHAT_COMPLETIONS = "chat_completions";

    public static final String COMPLETIONS = "completions";

    /**
     * The model label of a request for a model no worker serves: the name a client sent is not put in
     * a label, so random names cannot grow {@code /metrics} without end.
     */
    public static final String UNKNOWN_MODEL = "";

    /**
     * {@code error_type} values (Dynamo's {@code frontend_service::error_type}); a success has the
     * empty value, which Prometheus treats as no label.
     */
    public static final String NO_ERROR = "";

    public static final String VALIDATION = "validation";
    public static final String NOT_FOUND = "not_found";
    public static final String OVERLOAD = "overload";
    public static final String UNAVAILABLE = "unavailable";
    public static final String CANCELLED = "cancelled";
    public static final String INTERNAL = "internal";

    private MetricNames() {}
}
