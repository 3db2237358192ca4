package dev.vigil.frontend.routing;

/**
 * Why this frontend keeps a worker instance that discovery lists, and that passed its probes once,
 * from its traffic: its own judgement, which {@link FailOpen} may overrule. Ordered least bad first,
 * by how soon and how surely the instance is expected to serve again: an inhibition follows a single
 * failure and lifts by itself within seconds; a half-open circuit is already being tried; an open
 * circuit saw several failures in a row; probes that fail now are the worker's own current word
 * that it is unwell. Another frontend's verdict ({@link SharedVerdicts}) is second-hand, so it
 * counts least.
 */
public enum Exclusion {
    PEER_REPORTED("peer_reported"),
    INHIBITED("inhibited"),
    CIRCUIT_HALF_OPEN("circuit_half_open"),
    CIRCUIT_OPEN("circuit_open"),
    PROBES_FAILED("probes_failed");

    private final String wireName;

    Exclusion(String wireName) {
        this.wireName = wireName;
    }

    /** As the {@code reason} label of the fail-open metric and the logs name it. */
    public String wireName() {
        return wireName;
    }
}
