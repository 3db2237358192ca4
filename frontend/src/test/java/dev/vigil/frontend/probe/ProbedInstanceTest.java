package dev.vigil.frontend.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.model.InstanceId;

/** The streak arithmetic and routing decisions, without any network. */
class ProbedInstanceTest {

    static final ProbeOutcome OK = ProbeOutcome.answered(200, Duration.ofMillis(1));
    static final ProbeOutcome DOWN = ProbeOutcome.answered(503, Duration.ofMillis(1));

    static Probe probe(int index, int readyAfter, boolean untilReady, Integer failureThreshold) {
        return new Probe(
                index,
                "/health",
                Probe.Method.GET,
                List.of(),
                null,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                readyAfter,
                untilReady,
                failureThreshold);
    }

    static ProbedInstance instance(Probe... probes) {
        return new ProbedInstance(new InstanceId(7), "http://127.0.0.1:1", List.of(probes));
    }

    @Test
    void notRoutableUntilEveryProbeHasReadyAfterConsecutiveSuccesses() {
        ProbedInstance i = instance(probe(1, 3, false, null), probe(2, 1, false, null));
        assertFalse(i.routable());
        assertEquals("××", i.symbols());
        assertEquals(ProbedInstance.Change.NONE, i.record(0, OK));
        assertEquals(ProbedInstance.Change.NONE, i.record(0, OK));
        assertEquals("~×", i.symbols());
        assertEquals(ProbedInstance.Change.NONE, i.record(1, OK));
        assertEquals("~✓", i.symbols());
        assertFalse(i.routable(), "probe 1 has 2 of 3");
        assertEquals(ProbedInstance.Change.ADMITTED, i.record(0, OK));
        assertTrue(i.routable());
        assertEquals(ProbedInstance.State.READY, i.state());
        assertEquals("✓✓", i.symbols());
    }

    @Test
    void aFailureResetsTheStreakSoSuccessesMustBeConsecutive() {
        ProbedInstance i = instance(probe(1, 2, false, null));
        i.record(0, OK);
        i.record(0, DOWN);
        assertEquals("×", i.symbols());
        i.record(0, OK);
        assertFalse(i.routable(), "one success after a failure is not two in a row");
        assertEquals(1, i.probes().get(0).successStreak());
        i.record(0, OK);
        assertTrue(i.routable());
    }

    @Test
    void withoutFailureThresholdReadinessLatchesAsInDstack() {
        ProbedInstance i = instance(probe(1, 1, false, null));
        i.record(0, OK);
        for (int n = 0; n < 50; n++) {
            assertEquals(ProbedInstance.Change.NONE, i.record(0, DOWN));
        }
        assertTrue(i.routable());
        assertEquals("×", i.symbols(), "the symbol shows the streak, not the latch");
        assertEquals(50, i.probes().get(0).failureStreak());
    }

    @Test
    void failureThresholdTakesOutAndReadyAfterReadmits() {
        ProbedInstance i = instance(probe(1, 2, false, 3), probe(2, 1, false, null));
        i.record(0, OK);
        i.record(0, OK);
        i.record(1, OK);
        assertTrue(i.routable());
        assertEquals(ProbedInstance.Change.NONE, i.record(0, DOWN));
        assertEquals(ProbedInstance.Change.NONE, i.record(0, DOWN));
        assertTrue(i.routable(), "2 failures are below the threshold of 3");
        assertEquals(ProbedInstance.Change.TAKEN_OUT, i.record(0, DOWN));
        assertFalse(i.routable());
        assertEquals(ProbedInstance.State.FAILED, i.state());
        assertEquals(ProbedInstance.Change.NONE, i.record(0, OK));
        assertFalse(i.routable(), "readmission needs ready_after (2) successes");
        assertEquals(ProbedInstance.Change.READMITTED, i.record(0, OK));
        assertTrue(i.routable());
    }

    @Test
    void failuresBeforeAdmissionDoNotCountAsTakenOut() {
        ProbedInstance i = instance(probe(1, 1, false, 1));
        i.record(0, DOWN);
        i.record(0, DOWN);
        assertEquals(ProbedInstance.State.PROBING, i.state());
        assertEquals(ProbedInstance.Change.ADMITTED, i.record(0, OK));
    }

    @Test
    void untilReadyStopsTheProbeOnceReady() {
        ProbedInstance i = instance(probe(1, 2, true, null));
        i.record(0, OK);
        assertTrue(i.active(0));
        i.record(0, OK);
        assertFalse(i.active(0), "until_ready: ready, so not run again");
        assertTrue(i.routable());
        assertEquals("✓", i.symbols());
    }

    @Test
    void anInstanceWithoutStatusAddressIsUnprobeable() {
        ProbedInstance i = new ProbedInstance(new InstanceId(7), null, List.of(probe(1, 1, false, null)));
        assertEquals(ProbedInstance.State.UNPROBEABLE, i.state());
        assertFalse(i.routable());
    }

    @Test
    void symbolsComeInGroupsOfFiveInConfigurationOrder() {
        Probe[] probes = new Probe[7];
        for (int n = 0; n < probes.length; n++) {
            probes[n] = probe(n + 1, 2, false, null);
        }
        ProbedInstance i = instance(probes);
        i.record(0, OK);
        i.record(0, OK);
        i.record(6, OK);
        assertEquals("✓×××× ×~", i.symbols());
    }
}
