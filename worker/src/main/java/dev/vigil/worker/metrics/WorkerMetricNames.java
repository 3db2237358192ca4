package dev.vigil.worker.metrics;

/**
 * The worker's own Prometheus metric names and tag keys, spelled once. Micrometer renders a dotted
 * name with underscores and, for a counter, a {@code _total} suffix. Health and canary metrics,
 * shared with the frontend, are in {@code dev.vigil.health.metrics.MetricNames}.
 *
 * <p>THE NAMING RULE (as in the frontend's {@code MetricNames}; docs/observability.md, "Naming"): a
 * series Dynamo's worker has keeps Dynamo's exact name and labels ({@code dynamo_component_*}, with
 * its {@code dynamo_namespace}/{@code dynamo_component}/{@code dynamo_endpoint} labels); a series
 * only Vigil has is named {@code vigil_worker_*}. The meters are built only in this package ({@code
 * BoundariesTest}).
 */
public final class WorkerMetricNames {

    private WorkerMetricNames() {}

    /**
     * Renders as {@code dynamo_component_cancellation_total}: requests cancelled by their caller,
     * each counted once even if it was stopped and then killed.
     */
    public static final String CANCELLATION = "dynamo.component.cancellation";

    // Dynamo's work-handler metrics (lib/runtime/src/pipeline/network/ingress), one set per endpoint.

    /** Renders as {@code dynamo_component_requests_total}: requests the endpoint received. */
    public static final String REQUESTS = "dynamo.component.requests";
    /** Renders as {@code dynamo_component_inflight_requests}: requests the endpoint is handling. */
    public static final String INFLIGHT_REQUESTS = "dynamo.component.inflight.requests";
    /**
     * Renders as {@code dynamo_component_request_duration_seconds}: from receipt to the end of the
     * response, a histogram with the Prometheus client's default buckets, as Dynamo's.
     */
    public static final String REQUEST_DURATION = "dynamo.component.request.duration";
    /** Renders as {@code dynamo_component_request_bytes_total}: request payload bytes received. */
    public static final String REQUEST_BYTES = "dynamo.component.request.bytes";
    /** Renders as {@code dynamo_component_response_bytes_total}: response payload bytes sent. */
    public static final String RESPONSE_BYTES = "dynamo.component.response.bytes";
    /** Renders as {@code dynamo_component_errors_total{error_type}}: requests that ended in an error. */
    public static final String ERRORS = "dynamo.component.errors";

    /** How a request failed: Dynamo's {@code work_handler::ERROR_TYPE_LABEL}. */
    public static final String ERROR_TYPE_TAG = "error_type";
    /** The request payload could not be decoded. */
    public static final String DESERIALIZATION = "deserialization";
    /** The engine refused or failed the request. */
    public static final String GENERATE = "generate";

    /** The namespace the endpoint belongs to ({@code DYN_NAMESPACE}). */
    public static final String NAMESPACE_TAG = "dynamo_namespace";
    /** The component the endpoint belongs to ({@code DYN_COMPONENT}). */
    public static final String COMPONENT_TAG = "dynamo_component";
    /** The endpoint, such as {@code generate}. */
    public static final String ENDPOINT_TAG = "dynamo_endpoint";

    /**
     * Renders as {@code dynamo_component_shutdown_stage_seconds{stage,reason}}: how long each stage
     * of the graceful shutdown took (0 with reason {@code started} when it begins).
     */
    public static final String SHUTDOWN_STAGE_SECONDS = "dynamo.component.shutdown.stage.seconds";
    /** Renders as {@code dynamo_component_shutdown_remaining_seconds}: the budget left, at each transition. */
    public static final String SHUTDOWN_REMAINING_SECONDS = "dynamo.component.shutdown.remaining.seconds";
    /** Renders as {@code dynamo_component_shutdown_inflight_requests}: requests in flight, at each transition. */
    public static final String SHUTDOWN_INFLIGHT_REQUESTS = "dynamo.component.shutdown.inflight.requests";
    /**
     * Vigil's: {@code vigil_worker_plane_tasks_rejected_total}, requests answered busy because every
     * thread of the request plane's pool was busy and its queue full, and events dropped because a
     * subscription fell too far behind (the plane's bounds, {@code PlaneExecutor}).
     */
    public static final String PLANE_TASKS_REJECTED = "vigil.worker.plane.tasks.rejected";
    /**
     * Vigil's: {@code vigil_worker_drain_state{state}}, 1 for the state the drain API reports now
     * ({@code serving}, {@code draining}, {@code drained}, {@code shutting_down}), 0 for the others.
     */
    public static final String DRAIN_STATE = "vigil.worker.drain.state";
    /** The drain state a {@link #DRAIN_STATE} series stands for. */
    public static final String STATE_TAG = "state";
    /**
     * Vigil's: {@code vigil_worker_admission_queue_depth}, requests waiting in the admission queue
     * ({@code DYN_BACKEND_ADMISSION_*}) for a slot in the engine.
     */
    public static final String ADMISSION_QUEUE_DEPTH = "vigil.worker.admission.queue.depth";
    /** Vigil's: {@code vigil_worker_admission_wait_seconds}, how long each admitted request waited. */
    public static final String ADMISSION_WAIT = "vigil.worker.admission.wait";
    /**
     * Vigil's: {@code vigil_worker_admission_rejected_total{reason}}, requests answered busy by the
     * admission queue: {@code queue_full} or {@code queue_timeout} (the {@link #REASON_TAG}).
     */
    public static final String ADMISSION_REJECTED = "vigil.worker.admission.rejected";
    /** The shutdown stage: {@code unregister}, {@code router_grace}, {@code stop_admission}, {@code inflight}, {@code cleanup}. */
    public static final String STAGE_TAG = "stage";
    /**
     * How the stage ended: {@code started}, {@code completed}, {@code timed_out}, {@code skipped}; and
     * why the admission queue refused a request.
     */
    public static final String REASON_TAG = "reason";
}
