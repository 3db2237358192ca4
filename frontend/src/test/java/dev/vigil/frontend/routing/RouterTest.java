package dev.vigil.frontend.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.vigil.frontend.config.CircuitBreakerConfig;
import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.load.BusyMonitor;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.frontend.probe.Probes;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.time.ManualClock;
import dev.vigil.testing.ConfigMappings;

/**
 * The routing policy in isolation: membership, probes, quarantine and busy as the router sees them.
 * Failing open is off unless a test turns it on ({@link #failOpen}): most tests here are about what
 * the exclusions themselves do.
 */
class RouterTest {

    static final EndpointId GENERATE = new EndpointId("dynamo", "backend", "generate");
    static final Instance A = GENERATE.instance(new InstanceId(1));
    static final Instance B = GENERATE.instance(new InstanceId(2));

    /** Never passed their probes. */
    final Set<InstanceId> heldBackByProbes = new HashSet<>();
    /** Passed their probes once; they fail now. */
    final Set<InstanceId> takenOutByProbes = new HashSet<>();

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Set<InstanceId> busyIds = new HashSet<>();
    final List<Instance> members = new ArrayList<>();
    final List<ModelCard> cards = new ArrayList<>();
    final Router router = new Router();

    RouterTest() {
        router.models = new ServedModels();
        router.instances = new KnownInstances();
        router.quarantine = new Quarantine(Duration.ofSeconds(5));
        router.breakers = new CircuitBreakers();
        router.breakers.config = ConfigMappings.fromEnvironment(CircuitBreakerConfig.class, Map.of());
        router.probes = new Probes() {
            @Override
            public boolean routable(InstanceId id) {
                return !heldBackByProbes.contains(id) && !takenOutByProbes.contains(id);
            }

            @Override
            public boolean admittedOnce(InstanceId id) {
                return !heldBackByProbes.contains(id);
            }
        };
        router.busy = new BusyMonitor() {
            @Override
            public boolean busy(String model, InstanceId worker) {
                return busyIds.contains(worker);
            }
        };
        // The first candidate, so tests can tell which ones were candidates.
        router.picker = new InstancePicker() {
            @Override
            public Instance pick(List<Instance> candidates) {
                return candidates.get(0);
            }
        };
        router.failOpen = new FailOpen();
        router.failOpen.registry = registry;
        router.failOpen.inFlight = router.inFlight;
        failOpen(false);
    }

    void failOpen(boolean on) {
        router.failOpen.config = ConfigMappings.fromEnvironment(
                RouterConfig.class, Map.of(EnvNames.DYN_ROUTER_FAIL_OPEN, String.valueOf(on)));
    }

    /** The circuit breaker on, one failure opening a circuit (for a long time). */
    void circuitsOpenOnFirstFailure() {
        router.breakers.config = ConfigMappings.fromEnvironment(
                CircuitBreakerConfig.class,
                Map.of(
                        EnvNames.DYN_CB_ENABLED, "true",
                        EnvNames.DYN_CB_FAILURE_THRESHOLD, "1",
                        EnvNames.DYN_CB_TIMEOUT_SECS, "3600"));
        router.breakers.registry = registry;
    }

    double failedOpen(String reason) {
        var counter = registry.find(MetricNames.FAIL_OPEN)
                .tag(MetricNames.MODEL, "m")
                .tag(MetricNames.REASON, reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** What discovery does when a worker registers its endpoint and its model. */
    void join(Instance instance) {
        members.add(instance);
        cards.add(new ModelCard("m", GENERATE, instance.id(), 100, 16, 8));
        router.instances.replace(List.copyOf(members));
        router.models.replace(List.copyOf(cards));
    }

    @Test
    void anUnknownModelIsRefused() {
        assertInstanceOf(Admission.UnknownModel.class, router.admit("m"));
    }

    @Test
    void aModelWhoseOnlyInstanceHasNotPassedItsProbesIsUnavailableAndSaysSo() {
        join(A);
        heldBackByProbes.add(A.id());
        Admission admission = router.admit("m");
        assertEquals(
                new Admission.Unavailable("Model temporarily unavailable: no instance of m has passed its probes yet"),
                admission);
        assertTrue(router.next("m").isEmpty());
    }

    @Test
    void aDrainingInstanceGetsNothingNewNotEvenByFailingOpenAndItsModelSaysWhy() {
        failOpen(true);
        join(A);
        join(B);
        router.draining.replace(Set.of(A.id()));
        assertEquals(B, routed(router.admit("m")));
        assertEquals(Optional.of(B), next("m"));
        assertTrue(router.eligibility(A.id()).draining());
        assertTrue(!router.eligibility(A.id()).routable());
        // B fails and is inhibited: failing open may take B back, never the draining A.
        router.reportDown(B);
        assertEquals(B, routed(router.admit("m")));
        router.draining.replace(Set.of(A.id(), B.id()));
        assertEquals(
                new Admission.Unavailable("Model temporarily unavailable: every instance of m is draining"),
                router.admit("m"));
        assertTrue(router.next("m").isEmpty());
        router.draining.replace(Set.of());
        assertEquals(A, routed(router.admit("m")));
    }

    @Test
    void whenEveryRoutableInstanceIsBusyTheRequestIsShedButAMigrationStillFindsOne() {
        join(A);
        join(B);
        busyIds.add(A.id());
        busyIds.add(B.id());
        assertEquals(new Admission.AllBusy(2), router.admit("m"));
        assertEquals(Optional.of(A), next("m"));
    }

    @Test
    void freeInstancesArePreferredOverBusyOnes() {
        join(A);
        join(B);
        busyIds.add(A.id());
        assertEquals(B, routed(router.admit("m")));
        assertEquals(Optional.of(B), next("m"));
    }

    @Test
    void anInstanceReportedDownIsSkippedUntilDiscoveryChanges() {
        join(A);
        join(B);
        router.reportDown(A);
        assertEquals(B, routed(router.admit("m")));
        router.reportDown(B);
        assertEquals(
                new Admission.Unavailable("Model temporarily unavailable: no live instance serves m"),
                router.admit("m"));
        assertTrue(router.next("m").isEmpty());
    }

    @Test
    void anInstanceThatJoinedAfterTheRequestStartedIsAMigrationTarget() {
        join(A);
        assertEquals(A, routed(router.admit("m")));
        // B registers while the request streams from A; then A fails the request.
        join(B);
        router.reportDown(A);
        assertEquals(Optional.of(B), next("m"));
    }

    @Test
    void aModelIsServableOnlyWhileSomeInstanceMayTakeTraffic() {
        join(A);
        ServedModels.Model model = router.models.find("m");
        assertTrue(router.servable(model));
        heldBackByProbes.add(A.id());
        assertTrue(!router.servable(model));
    }

    @Test
    void withInhibitionOffAFailedInstanceStaysACandidate() {
        router.quarantine = new Quarantine(Duration.ZERO);
        join(A);
        router.reportDown(A);
        assertEquals(A, routed(router.admit("m")));
    }

    @Test
    void anInhibitionEndsAfterItsDuration() {
        ManualClock clock = new ManualClock();
        router.quarantine = new Quarantine(Duration.ofSeconds(5), clock);
        join(A);
        router.reportDown(A);
        clock.advance(Duration.ofMillis(4_999));
        assertTrue(router.next("m").isEmpty());
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.of(A), next("m"));
    }

    @Test
    void anAttemptCountsOnItsInstanceUntilItEndsOnce() {
        join(A);
        Attempt attempt = ((Admission.Routed) router.admit("m")).attempt();
        assertEquals(1, router.inFlight(A.id()));
        attempt.failed(new dev.vigil.runtime.transport.StreamError.Disconnected("gone"));
        attempt.succeeded();
        attempt.abandoned();
        assertEquals(0, router.inFlight(A.id()));
        // The failure counted once: A is inhibited, so nothing is left for the model.
        assertTrue(router.next("m").isEmpty());
    }

    @Test
    void aBusyAttemptCountsNothingAgainstItsInstance() {
        join(A);
        Attempt attempt = ((Admission.Routed) router.admit("m")).attempt();
        attempt.failed(new dev.vigil.runtime.transport.StreamError.Busy("engine full"));
        assertEquals(Optional.of(A), next("m"));
        assertTrue(router.eligibility(A.id()).candidate());
    }

    private static Attempt attempt(Admission admission) {
        return ((Admission.Routed) admission).attempt();
    }

    private static Instance routed(Admission admission) {
        return ((Admission.Routed) admission).attempt().instance();
    }

    private Optional<Instance> next(String model) {
        return router.next(model).map(Attempt::instance);
    }

    // Failing open.

    @Test
    void withEveryInstanceExcludedARequestFailsOpenToTheLeastBad() {
        circuitsOpenOnFirstFailure();
        join(A);
        join(B);
        router.reportError(A, "engine error"); // A's circuit opens
        router.quarantine.report(B.id()); // B is inhibited: the milder exclusion
        failOpen(true);
        assertEquals(B, routed(router.admit("m")));
        assertEquals(1, failedOpen("inhibited"));
        router.quarantine.clear();
        assertEquals(B, routed(router.admit("m")), "B a candidate again");
        assertEquals(1, failedOpen("inhibited"), "a normal pick is not counted");
    }

    @Test
    void strictRoutingRefusesWhenEveryInstanceIsExcluded() {
        circuitsOpenOnFirstFailure();
        join(A);
        join(B);
        router.reportError(A, "engine error");
        router.quarantine.report(B.id());
        assertEquals(
                new Admission.Unavailable("Model temporarily unavailable: no live instance serves m"),
                router.admit("m"));
        assertTrue(router.next("m").isEmpty());
        assertEquals(0, failedOpen("inhibited"));
    }

    @Test
    void anInstanceThatNeverPassedItsProbesIsNeverFailedOpenTo() {
        failOpen(true);
        join(A);
        join(B);
        heldBackByProbes.add(A.id());
        router.reportDown(B);
        assertEquals(B, routed(router.admit("m")), "B passed its probes once");
        heldBackByProbes.add(B.id());
        assertEquals(
                new Admission.Unavailable("Model temporarily unavailable: no instance of m has passed its probes yet"),
                router.admit("m"));
        assertTrue(router.next("m").isEmpty());
    }

    @Test
    void anInstanceWhoseProbesFailAfterPassingIsFailedOpenTo() {
        join(A);
        takenOutByProbes.add(A.id());
        assertInstanceOf(Admission.Unavailable.class, router.admit("m"));
        failOpen(true);
        assertEquals(A, routed(router.admit("m")));
        assertEquals(1, failedOpen("probes_failed"));
    }

    @Test
    void failingOpenPrefersTheMildestExclusionThenTheFewestThenTheLeastUsed() {
        circuitsOpenOnFirstFailure();
        failOpen(true);
        join(A);
        join(B);
        // A: inhibited and its probes fail; B: its probes fail. B's worst is as bad, but it has one.
        takenOutByProbes.add(A.id());
        takenOutByProbes.add(B.id());
        router.quarantine.report(A.id());
        Attempt first = attempt(router.admit("m"));
        assertEquals(B, first.instance());
        first.abandoned();
        // Equal (both only inhibited): the one with fewer attempts of this frontend running.
        takenOutByProbes.clear();
        router.quarantine.report(B.id());
        Attempt onA = attempt(router.admit("m"));
        assertEquals(A, onA.instance(), "the picker's first among equals");
        Attempt onB = attempt(router.admit("m"));
        assertEquals(B, onB.instance(), "A has one running");
        onA.abandoned();
        onB.abandoned();
        // A circuit open on top of the inhibition: worse than B's inhibition alone.
        router.reportError(A, "engine error");
        assertEquals(B, routed(router.admit("m")));
        assertEquals(3, failedOpen("inhibited"));
        assertEquals(1, failedOpen("probes_failed"));
    }

    @Test
    void aMigrationFailsOpenButNeverBackOntoTheInstanceItFailedOn() {
        failOpen(true);
        join(A);
        join(B);
        router.reportDown(A);
        router.reportDown(B);
        assertEquals(Optional.of(B), router.next("m", Set.of(), A.id()).map(Attempt::instance));
        assertEquals(Optional.of(A), router.next("m", Set.of(), B.id()).map(Attempt::instance));
        assertTrue(router.next("m", Set.of(B.id()), A.id()).isEmpty(), "B refused it busy, A failed it");
    }

    @Test
    void anInstanceDiscoveryNoLongerListsIsNeverFailedOpenTo() {
        failOpen(true);
        join(A);
        join(B);
        router.reportDown(A);
        router.reportDown(B);
        members.remove(B);
        router.instances.replace(List.copyOf(members));
        for (int i = 0; i < 3; i++) {
            assertEquals(A, routed(router.admit("m")));
        }
        members.remove(A);
        router.instances.replace(List.copyOf(members));
        assertInstanceOf(Admission.Unavailable.class, router.admit("m"));
    }
}
