package dev.vigil.frontend.routing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * One worker instance's circuit, fed by the outcomes of the requests sent to it. Closed: traffic
 * flows and failures within the window are counted. Open: no traffic until the timeout passed. Half
 * open: one trial request at a time; enough successes in a row close it, a failure opens it again.
 * Times are {@link System#nanoTime} values passed in, so the state machine is tested without waiting.
 */
final class CircuitBreaker {

    /** The states, as the metrics and {@code /v1/instances} name them. */
    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Hears every change of state, with the reason. */
    interface Transitions {
        void changed(State from, State to, String reason);
    }

    private final int failureThreshold;
    private final int successThreshold;
    private final long timeoutNanos;
    private final long windowNanos;
    private final Transitions transitions;
    private final Deque<Long> failures = new ArrayDeque<>();
    private State state = State.CLOSED;
    private long openedAt;
    private int successes;
    private boolean trialInFlight;
    private String reason = "no failure yet";

    CircuitBreaker(
            int failureThreshold, int successThreshold, Duration timeout, Duration window, Transitions transitions) {
        this.failureThreshold = failureThreshold;
        this.successThreshold = successThreshold;
        this.timeoutNanos = timeout.toNanos();
        this.windowNanos = window.toNanos();
        this.transitions = transitions;
    }

    /** The state at {@code now}: an open circuit whose timeout passed is half open. */
    synchronized State state(long now) {
        if (state == State.OPEN && now - openedAt >= timeoutNanos) {
            move(State.HALF_OPEN, "open for " + Duration.ofNanos(timeoutNanos).toSeconds() + " s; trying again");
        }
        return state;
    }

    synchronized String reason() {
        return reason;
    }

    /** Whether a request may be sent now; does not take the half-open trial (see {@link #acquire}). */
    synchronized boolean permits(long now) {
        return switch (state(now)) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> !trialInFlight;
        };
    }

    /** A request was sent: half open, it is the trial, and no other goes until it ends. */
    synchronized void acquire(long now) {
        if (state(now) == State.HALF_OPEN) {
            trialInFlight = true;
        }
    }

    /**
     * The request sent ended with neither outcome (the instance said it was busy and took nothing):
     * half open, another trial may go.
     */
    synchronized void release(long now) {
        if (state(now) == State.HALF_OPEN) {
            trialInFlight = false;
        }
    }

    synchronized void success(long now) {
        switch (state(now)) {
            case CLOSED -> {}
            case OPEN -> {}
            case HALF_OPEN -> {
                trialInFlight = false;
                if (++successes >= successThreshold) {
                    failures.clear();
                    move(State.CLOSED, successes + " successful requests in a row");
                }
            }
        }
    }

    synchronized void failure(long now, String what) {
        switch (state(now)) {
            case CLOSED -> {
                failures.addLast(now);
                while (!failures.isEmpty() && now - failures.peekFirst() > windowNanos) {
                    failures.removeFirst();
                }
                if (failures.size() >= failureThreshold) {
                    open(
                            now,
                            failures.size() + " failures within "
                                    + Duration.ofNanos(windowNanos).toSeconds() + " s, the last: " + what);
                }
            }
            case OPEN -> {}
            case HALF_OPEN -> open(now, "the trial request failed: " + what);
        }
    }

    private void open(long now, String why) {
        openedAt = now;
        trialInFlight = false;
        move(State.OPEN, why);
    }

    private void move(State to, String why) {
        State from = state;
        state = to;
        successes = 0;
        reason = why;
        transitions.changed(from, to, why);
    }
}
