package dev.vigil.frontend.probe;

import java.util.List;

import dev.vigil.runtime.model.InstanceId;

/**
 * One worker process under probing: a {@link ProbeStreak} per configured probe and whether it may
 * receive traffic. A new instance is not routable until every probe is ready ({@code ready_after}
 * consecutive successes). Once admitted it stays routable, dstack's latch, unless a probe with a
 * {@code failure_threshold} fails that many times in a row; it is then taken out and readmitted when
 * every probe is ready again. Thread-safe; the routing path reads one volatile field.
 */
final class ProbedInstance {

    /** Where an instance stands, as {@code /v1/instances} reports it. */
    enum State {
        /** Discovered, not yet admitted: some probe has not reached {@code ready_after}. */
        PROBING("probing"),
        /** Admitted: receives traffic. */
        READY("ready"),
        /** Admitted once, then taken out by a probe's {@code failure_threshold}. */
        FAILED("failed"),
        /** It published no system status address, so it cannot be probed and gets no traffic. */
        UNPROBEABLE("unprobeable");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    /** What a recorded outcome changed, so the caller can log it once. */
    enum Change {
        NONE,
        ADMITTED,
        TAKEN_OUT,
        READMITTED
    }

    private final InstanceId id;
    private final String statusUrl;
    private final List<ProbeStreak> streaks;
    private State state;
    private volatile boolean routable;

    ProbedInstance(InstanceId id, String statusUrl, List<Probe> probes) {
        this.id = id;
        this.statusUrl = statusUrl;
        this.streaks = probes.stream().map(ProbeStreak::new).toList();
        this.state = statusUrl == null ? State.UNPROBEABLE : State.PROBING;
    }

    InstanceId id() {
        return id;
    }

    /** Null when the instance published none. */
    String statusUrl() {
        return statusUrl;
    }

    boolean routable() {
        return routable;
    }

    /**
     * Whether it was admitted at some point, routable now or not: an instance its probes took out
     * again had proved it can serve, one still probing never has.
     */
    synchronized boolean admittedOnce() {
        return state == State.READY || state == State.FAILED;
    }

    synchronized boolean active(int probe) {
        return streaks.get(probe).active();
    }

    synchronized Change record(int probe, ProbeOutcome outcome) {
        streaks.get(probe).record(outcome);
        boolean allReady = streaks.stream().allMatch(ProbeStreak::ready);
        Change change = Change.NONE;
        if (state == State.PROBING && allReady) {
            state = State.READY;
            change = Change.ADMITTED;
        } else if (state == State.FAILED && allReady) {
            state = State.READY;
            change = Change.READMITTED;
        } else if (state == State.READY && streaks.stream().anyMatch(ProbeStreak::failedOut)) {
            state = State.FAILED;
            change = Change.TAKEN_OUT;
        }
        routable = state == State.READY;
        return change;
    }

    synchronized State state() {
        return state;
    }

    synchronized List<ProbeView> probes() {
        return streaks.stream().map(ProbeStreak::view).toList();
    }

    /** dstack's PROBES column: one symbol per probe in configuration order, five to a group. */
    synchronized String symbols() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < streaks.size(); i++) {
            if (i > 0 && i % 5 == 0) {
                out.append(' ');
            }
            out.append(streaks.get(i).symbol());
        }
        return out.toString();
    }
}
