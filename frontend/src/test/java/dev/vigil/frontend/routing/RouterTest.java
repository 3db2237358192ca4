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

import dev.vigil.frontend.config.CircuitBreakerConfig;
import dev.vigil.frontend.load.BusyMonitor;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.frontend.probe.Probes;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.time.ManualClock;
import dev.vigil.testing.ConfigMappings;

/** The routing policy in isolation: membership, probes, quarantine and busy as the router sees them. */
class RouterTest {

    static final EndpointId GENERATE = new EndpointId("dynamo", "backend", "generate");
    static final Instance A = GENERATE.instance(new InstanceId(1));
    static final Instance B = GENERATE.instance(new InstanceId(2));

    final Set<InstanceId> heldBackByProbes = new HashSet<>();
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

    private static Instance routed(Admission admission) {
        return ((Admission.Routed) admission).attempt().instance();
    }

    private Optional<Instance> next(String model) {
        return router.next(model).map(Attempt::instance);
    }
}
