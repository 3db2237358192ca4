package dev.vigil.frontend.probe;

/**
 * A probe's state against one instance at one moment, for {@code /v1/instances} and the status
 * table.
 *
 * @param last the latest execution's outcome, null before the first one ends
 */
public record ProbeView(
        Probe config,
        int successStreak,
        int failureStreak,
        long executions,
        boolean active,
        boolean ready,
        char symbol,
        ProbeOutcome last) {}
