package dev.vigil.health.canary;

/** How one check ended, as the {@code result} label of {@code dynamo_component_canary_total}. */
public enum CanaryResult {
    /** The canary's whole stream arrived and ended normally. */
    OK("ok"),
    /** The engine answered with an error or with nothing, or the request could not be made. */
    ERROR("error"),
    /** The canary's stream did not end within {@code DYN_HEALTH_CHECK_REQUEST_TIMEOUT}. */
    TIMEOUT("timeout"),
    /** The stall watchdog: requests in flight, no token for {@code DYN_HEALTH_CHECK_STALL_TIMEOUT}. */
    STALLED("stalled");

    private final String label;

    CanaryResult(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
