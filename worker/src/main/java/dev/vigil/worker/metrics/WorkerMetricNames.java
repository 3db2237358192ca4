package dev.vigil.worker.metrics;

/**
 * The worker's own Prometheus metric names and tag keys, spelled once, as Dynamo's worker spells
 * them. Micrometer renders a dotted name with underscores and, for a counter, a {@code _total}
 * suffix. Health and canary metrics, shared with the frontend, are in {@code
 * dev.vigil.health.metrics.MetricNames}.
 */
public final class WorkerMetricNames {

    private WorkerMetricNames() {}

    /**
     * Renders as {@code dynamo_component_cancellation_total}: requests cancelled by their caller,
     * each counted once even if it was stopped and then killed.
     */
    public static final String CANCELLATION = "dynamo.component.cancellation";

    /** The namespace the endpoint belongs to ({@code DYN_NAMESPACE}). */
    public static final String NAMESPACE_TAG = "dynamo_namespace";
    /** The component the endpoint belongs to ({@code DYN_COMPONENT}). */
    public static final String COMPONENT_TAG = "dynamo_component";
    /** The endpoint, such as {@code generate}. */
    public static final String ENDPOINT_TAG = "dynamo_endpoint";
}
