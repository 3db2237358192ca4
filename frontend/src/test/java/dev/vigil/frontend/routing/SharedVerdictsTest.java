package dev.vigil.frontend.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.ManualClock;
import dev.vigil.testing.ConfigMappings;

/** Two frontends on one in-memory discovery: what one concludes about a worker, the other honours. */
class SharedVerdictsTest {

    static final Duration DELIVERY = Duration.ofSeconds(2);
    static final InstanceId WORKER = new InstanceId(7);

    final InMemoryDiscovery.Store store = new InMemoryDiscovery.Store();
    final ManualClock clock = new ManualClock();
    final InMemoryDiscovery firstDiscovery = new InMemoryDiscovery(store);
    final InMemoryDiscovery secondDiscovery = new InMemoryDiscovery(store);
    final SharedVerdicts first = verdicts(firstDiscovery, "true");
    final SharedVerdicts second = verdicts(secondDiscovery, "true");
    final Subscription feed = secondDiscovery.watchVerdicts(change -> second.update(change.current()));

    SharedVerdicts verdicts(InMemoryDiscovery discovery, String enabled) {
        SharedVerdicts v = new SharedVerdicts();
        v.discovery = discovery;
        v.clock = clock;
        v.registry = new SimpleMeterRegistry();
        v.config =
                ConfigMappings.fromEnvironment(RouterConfig.class, Map.of(EnvNames.DYN_ROUTER_SHARED_HEALTH, enabled));
        v.create();
        return v;
    }

    @AfterEach
    void close() {
        feed.close();
        first.stop();
        second.stop();
        firstDiscovery.close();
        secondDiscovery.close();
    }

    double count(SharedVerdicts v, String event) {
        return v.registry
                .get(MetricNames.SHARED_VERDICTS)
                .tag(MetricNames.EVENT, event)
                .counter()
                .count();
    }

    @Test
    void aVerdictOfOneFrontendKeepsTheWorkerOutOfTheOtherForItsTtlOnly() {
        first.share(WORKER, Exclusion.INHIBITED, Duration.ofSeconds(5));
        await().atMost(DELIVERY).until(() -> second.against(WORKER).isPresent());
        assertEquals("inhibited", second.against(WORKER).get().exclusion());
        assertEquals(firstDiscovery.instanceId(), second.against(WORKER).get().reporter());
        // Its own verdict does not count twice against the reporter itself.
        first.update(Map.of(
                dev.vigil.runtime.discovery.DiscoveryKeys.verdict(WORKER, firstDiscovery.instanceId()),
                second.against(WORKER).get()));
        assertTrue(first.against(WORKER).isEmpty());

        clock.advance(Duration.ofMillis(4_999));
        assertTrue(second.against(WORKER).isPresent());
        clock.advance(Duration.ofMillis(1));
        assertTrue(second.against(WORKER).isEmpty(), "honoured past its TTL");
        assertEquals(1, count(first, "published"));
        assertEquals(1, count(second, "received"));
    }

    @Test
    void noVerdictIsHonouredLongerThanTheCapWhateverItsReporterSays() {
        first.share(WORKER, Exclusion.CIRCUIT_OPEN, Duration.ofHours(1));
        await().atMost(DELIVERY).until(() -> second.against(WORKER).isPresent());
        clock.advance(SharedVerdicts.MAX_TTL);
        assertTrue(second.against(WORKER).isEmpty());
    }

    @Test
    void aWithdrawnVerdictStopsCountingAtOnce() {
        first.share(WORKER, Exclusion.INHIBITED, Duration.ofSeconds(5));
        await().atMost(DELIVERY).until(() -> second.against(WORKER).isPresent());
        firstDiscovery.withdrawVerdict(WORKER);
        await().atMost(DELIVERY).until(() -> second.against(WORKER).isEmpty());
    }

    @Test
    void aVerdictIsWrittenAgainOnlyAfterHalfItsTtl() {
        first.share(WORKER, Exclusion.INHIBITED, Duration.ofSeconds(10));
        first.share(WORKER, Exclusion.INHIBITED, Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(4));
        first.share(WORKER, Exclusion.INHIBITED, Duration.ofSeconds(10));
        await().atMost(DELIVERY).until(() -> count(first, "published") == 1);
        clock.advance(Duration.ofSeconds(1));
        first.share(WORKER, Exclusion.INHIBITED, Duration.ofSeconds(10));
        await().atMost(DELIVERY).until(() -> count(first, "published") == 2);
    }

    @Test
    void switchedOffNothingIsWrittenOrRead() {
        SharedVerdicts off = verdicts(firstDiscovery, "false");
        off.share(WORKER, Exclusion.INHIBITED, Duration.ofSeconds(5));
        first.share(new InstanceId(8), Exclusion.INHIBITED, Duration.ofSeconds(5));
        await().atMost(DELIVERY).until(() -> second.against(new InstanceId(8)).isPresent());
        assertFalse(second.against(WORKER).isPresent());
        off.update(Map.of("k", second.against(new InstanceId(8)).get()));
        assertTrue(off.against(new InstanceId(8)).isEmpty());
        off.stop();
    }
}
