package dev.vigil.health;

/**
 * Readiness of the process or of one endpoint, with Dynamo's wire spelling: {@code ready} or
 * {@code notready}.
 */
public enum HealthStatus {
    READY("ready"),
    NOT_READY("notready");

    private final String wireName;

    HealthStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling used in JSON bodies and in {@code DYN_SYSTEM_STARTING_HEALTH_STATUS}. */
    public String wireName() {
        return wireName;
    }

    public static HealthStatus of(boolean ready) {
        return ready ? READY : NOT_READY;
    }

    /**
     * Parses the exact lower-case wire spelling. Dynamo rejects {@code Ready} and {@code not_ready}
     * as unknown enum variants, and so do we.
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static HealthStatus parse(String value) {
        for (HealthStatus status : values()) {
            if (status.wireName.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("expected 'ready' or 'notready' (lower case)");
    }
}
