package dev.vigil.frontend.routing;

import java.util.EnumSet;
import java.util.Set;

/**
 * An instance's standing with this frontend, computed in one place ({@link Router#eligibility}) for
 * routing and for the worker states {@code /v1/instances} shows. {@code routable}: it is not draining and its probes
 * have passed, so it may take traffic at all and counts when deciding whether to shed load (an
 * inhibited instance still counts). {@code candidate}: it may be picked now. {@code
 * admittedOnce}: its probes passed at some point, now or before, so it may be failed open to
 * (unless an operator is draining it: that is not this frontend's judgement to overrule). {@code
 * peerReported}: another frontend's verdict keeps it out ({@link SharedVerdicts}).
 */
public record Eligibility(
        boolean draining,
        boolean probesPassed,
        boolean admittedOnce,
        boolean inhibited,
        boolean peerReported,
        boolean circuitPermits,
        CircuitBreakers.Status circuit) {

    public boolean routable() {
        return !draining && probesPassed;
    }

    public boolean candidate() {
        return routable() && !inhibited && !peerReported && circuitPermits;
    }

    /** Its circuit is open or half open (there is none unless {@code DYN_CB_ENABLED}). */
    public boolean circuitTripped() {
        return circuit != null && !circuit.state().equals("closed");
    }

    /** What keeps it out now, by this frontend's own judgement; empty for a candidate. */
    public Set<Exclusion> exclusions() {
        Set<Exclusion> why = EnumSet.noneOf(Exclusion.class);
        if (!probesPassed && admittedOnce) {
            why.add(Exclusion.PROBES_FAILED);
        }
        if (inhibited) {
            why.add(Exclusion.INHIBITED);
        }
        if (peerReported) {
            why.add(Exclusion.PEER_REPORTED);
        }
        if (!circuitPermits) {
            boolean halfOpen = circuit != null && circuit.state().equals("half_open");
            why.add(halfOpen ? Exclusion.CIRCUIT_HALF_OPEN : Exclusion.CIRCUIT_OPEN);
        }
        return why;
    }
}
