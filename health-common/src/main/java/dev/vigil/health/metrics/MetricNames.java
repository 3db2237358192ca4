package dev.vigil.health.metrics;

/**
 * The health and canary metric names and tag keys, spelled once. Micrometer renders a dotted name
 * with underscores, adds the base unit ({@code _seconds}) and, for a counter, {@code _total}.
 *
 * <p>THE NAMING RULE (as in the apps' {@code MetricNames} and {@code WorkerMetricNames};
 * docs/observability.md, "Naming"): a series Dynamo's components have keeps Dynamo's exact name and
 * labels ({@code dynamo_component_*}); a series only Vigil has would be named {@code
 * vigil_frontend_*} or {@code vigil_worker_*}, after the app that writes it. The series here mirror
 * the system status series of Dynamo's components (its uptime, endpoint health and canary), so they
 * keep {@code dynamo_component_}. The meters are built only in this package ({@code BoundariesTest}).
 */
public final class MetricNames {

    private MetricNames() {}

    /** Renders as {@code dynamo_component_uptime_seconds}. */
    public static final String UPTIME = "dynamo.component.uptime";
    /** Renders as {@code dynamo_component_endpoint_health}: 1 ready, 0 not ready. */
    public static final String ENDPOINT_HEALTH = "dynamo.component.endpoint.health";
    /** Renders as {@code dynamo_component_canary_total}. */
    public static final String CANARY = "dynamo.component.canary";
    /** Renders as {@code dynamo_component_canary_duration_seconds}. */
    public static final String CANARY_DURATION = "dynamo.component.canary.duration";

    /**
     * The endpoint a series is about, such as {@code generate}: Dynamo's worker-side label, on every
     * endpoint series here (the canary's series used {@code endpoint} before).
     */
    public static final String ENDPOINT_TAG = "dynamo_endpoint";
    /** How a canary ended: {@code ok}, {@code error}, {@code timeout} or {@code stalled}. */
    public static final String RESULT_TAG = "result";
}
