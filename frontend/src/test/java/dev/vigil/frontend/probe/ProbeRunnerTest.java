package dev.vigil.frontend.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.frontend.metrics.ProbeMetrics;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.testing.FakeHttpServer;
import dev.vigil.testing.FakeHttpServer.Answer;

/**
 * The prober's schedule and gating against a real HTTP server. Intervals here are shorter than
 * dstack's 1 s minimum (the parser enforces it; the runner takes what it is given) so the class runs
 * in seconds; every bound below is derived from the configured interval and timeout.
 */
class ProbeRunnerTest {

    static final EndpointId GENERATE = new EndpointId("dynamo", "backend", "generate");
    static final EndpointId CLEAR = new EndpointId("dynamo", "backend", "clear_kv_blocks");
    static final InstanceId ID = new InstanceId(0x694d98147d54be25L);
    static final Duration INTERVAL = Duration.ofMillis(100);
    static final Duration PATIENCE = Duration.ofSeconds(20);

    static Vertx vertx;
    FakeHttpServer server;
    SimpleMeterRegistry registry;
    final List<ProbeRunner> runners = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void start() throws IOException {
        server = FakeHttpServer.start().otherwise(Answer.json(200, "{}"));
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() {
        runners.forEach(ProbeRunner::close);
        server.close();
    }

    static Probe probe(int index, String url, int readyAfter, boolean untilReady, Integer failureThreshold) {
        return new Probe(
                index,
                url,
                Probe.Method.GET,
                List.of(),
                null,
                Duration.ofSeconds(2),
                INTERVAL,
                readyAfter,
                untilReady,
                failureThreshold);
    }

    ProbeRunner runner(Probe... probes) {
        ProbeMetrics metrics = new ProbeMetrics(registry);
        ProbeRunner runner =
                new ProbeRunner(vertx, List.of(probes), new HttpProbeSender(vertx, name -> Optional.empty()), metrics);
        metrics.routableInstances(runner::routableCount);
        runners.add(runner);
        return runner;
    }

    List<Instance> worker() {
        return List.of(GENERATE.instance(ID, server.url()), CLEAR.instance(ID, server.url()));
    }

    ProbeView probeView(ProbeRunner runner, int probe) {
        return runner.view().get(0).probes().get(probe);
    }

    @Test
    void withoutProbesEveryDiscoveredInstanceIsRoutableAtOnce() {
        ProbeRunner runner = runner();
        runner.sync(worker());
        assertTrue(runner.routable(ID));
        assertEquals("ready", runner.view().get(0).state());
        assertEquals(1, runner.routableCount());
        assertEquals(0, server.requests().size(), "nothing to probe");
    }

    @Test
    void anInstanceGetsNoTrafficUntilReadyAfterConsecutiveSuccesses() {
        ProbeRunner runner = runner(probe(1, "/health", 3, false, null));
        server.otherwise(Answer.json(503, "{}"));
        runner.sync(worker());
        assertFalse(runner.routable(ID));
        await().atMost(PATIENCE).until(() -> probeView(runner, 0).executions() >= 3);
        assertFalse(runner.routable(ID), "503 answers never admit");
        assertEquals("probing", runner.view().get(0).state());
        assertEquals('×', probeView(runner, 0).symbol());

        server.otherwise(Answer.json(200, "{}"));
        await().atMost(PATIENCE).until(() -> probeView(runner, 0).successStreak() >= 1);
        if (probeView(runner, 0).successStreak() < 3) {
            assertFalse(runner.routable(ID));
        }
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        ProbeView ready = probeView(runner, 0);
        assertTrue(ready.successStreak() >= 3, "admitted only after 3 in a row: " + ready);
        assertEquals('✓', ready.symbol());
        assertEquals("ready", runner.view().get(0).state());
        assertEquals(1.0, registry.get(MetricNames.ROUTABLE_INSTANCES).gauge().value());
        assertTrue(registry.get(MetricNames.PROBES)
                        .tags("worker_id", ID.decimal(), "probe", "1", "result", "http_status")
                        .counter()
                        .count()
                >= 3);
        assertTrue(registry.get(MetricNames.PROBES)
                        .tags("worker_id", ID.decimal(), "probe", "1", "result", "success")
                        .counter()
                        .count()
                >= 3);
        assertTrue(registry.get(MetricNames.PROBE_DURATION)
                        .tags("worker_id", ID.decimal(), "probe", "1")
                        .timer()
                        .count()
                >= 6);
    }

    @Test
    void oneProbeInFlightAndTheIntervalRunsFromTheEndOfOneToTheStartOfTheNext() {
        server.otherwise(Answer.json(200, "{}").delayed(Duration.ofMillis(200)));
        ProbeRunner runner = runner(probe(1, "/health", 1, false, null));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> server.requests().size() >= 4);
        assertEquals(1, server.maxInFlight(), "never two executions of one probe at once");
        for (int n = 1; n < 4; n++) {
            long gap = server.requests().get(n).arrivedNanos()
                    - server.finishedNanos().get(n - 1);
            assertTrue(
                    gap >= INTERVAL.toNanos(),
                    "execution " + (n + 1) + " started " + gap / 1_000_000 + " ms after the previous one ended");
        }
    }

    @Test
    void eachProbeRunsOnItsOwnScheduleAndAllMustBeReady() {
        ProbeRunner runner = runner(probe(1, "/health", 1, false, null), probe(2, "/live", 1, false, null));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        assertTrue(server.hits("/health") >= 1);
        assertTrue(server.hits("/live") >= 1);
        assertEquals("✓✓", runner.view().get(0).symbols());
    }

    @Test
    void untilReadyStopsProbingOnceReady() {
        ProbeRunner runner = runner(probe(1, "/health", 2, true, null));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        int hits = server.hits("/health");
        assertEquals(2, hits, "exactly ready_after executions");
        // No execution after readiness, for several intervals.
        await().during(INTERVAL.multipliedBy(5)).atMost(PATIENCE).until(() -> server.hits("/health") == hits);
        assertFalse(probeView(runner, 0).active());
    }

    @Test
    void withoutFailureThresholdAReadyInstanceStaysRoutable() {
        ProbeRunner runner = runner(probe(1, "/health", 1, false, null));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        server.otherwise(Answer.json(500, "{}"));
        await().atMost(PATIENCE).until(() -> probeView(runner, 0).failureStreak() >= 5);
        assertTrue(runner.routable(ID), "dstack's latch");
        assertEquals('×', probeView(runner, 0).symbol());
    }

    @Test
    void failureThresholdTakesAnInstanceOutAndReadyAfterBringsItBack() {
        ProbeRunner runner = runner(probe(1, "/health", 2, false, 3));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        server.otherwise(Answer.json(503, "{}"));
        await().atMost(PATIENCE).until(() -> !runner.routable(ID));
        assertEquals("failed", runner.view().get(0).state());
        assertTrue(probeView(runner, 0).failureStreak() >= 3);
        assertEquals(0.0, registry.get(MetricNames.ROUTABLE_INSTANCES).gauge().value());

        server.otherwise(Answer.json(200, "{}"));
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        assertTrue(probeView(runner, 0).successStreak() >= 2);
        assertEquals("ready", runner.view().get(0).state());
    }

    @Test
    void timeoutsAndRefusedConnectionsCountAsFailures() throws IOException {
        ProbeRunner runner = runner(new Probe(
                1, "/health", Probe.Method.GET, List.of(), null, Duration.ofMillis(100), INTERVAL, 1, false, null));
        server.otherwise(Answer.json(200, "{}").delayed(Duration.ofMillis(1_000)));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> probeView(runner, 0).executions() >= 2);
        assertEquals(ProbeOutcome.Result.TIMEOUT, probeView(runner, 0).last().result());
        assertFalse(runner.routable(ID));

        server.close();
        long before = probeView(runner, 0).executions();
        await().atMost(PATIENCE)
                .until(() -> probeView(runner, 0).executions() > before + 1
                        && probeView(runner, 0).last().result() == ProbeOutcome.Result.CONNECT_ERROR);
        assertFalse(runner.routable(ID));
        assertEquals(0, probeView(runner, 0).successStreak());
    }

    @Test
    void anInstanceThatLeavesIsNoLongerProbedAndItsSeriesGo() {
        ProbeRunner runner = runner(probe(1, "/health", 1, false, null));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        runner.sync(List.of());
        assertFalse(runner.routable(ID));
        assertTrue(runner.view().isEmpty());
        // At most the execution in flight when it left, then nothing for several intervals.
        int hits = server.hits("/health") + 1;
        await().during(INTERVAL.multipliedBy(5)).atMost(PATIENCE).until(() -> server.hits("/health") <= hits);
        assertTrue(registry.find(MetricNames.PROBES).counters().isEmpty());
        assertEquals(0.0, registry.get(MetricNames.ROUTABLE_INSTANCES).gauge().value());
    }

    @Test
    void aProcessKeepsItsStreaksWhenItsEndpointsChange() {
        ProbeRunner runner = runner(probe(1, "/health", 1, false, null));
        runner.sync(worker());
        await().atMost(PATIENCE).until(() -> runner.routable(ID));
        runner.sync(List.of(GENERATE.instance(ID, server.url())));
        assertTrue(runner.routable(ID));
        assertEquals(List.of("generate"), runner.view().get(0).endpoints());
    }

    @Test
    void anInstanceWithoutStatusAddressIsNeverRoutable() {
        ProbeRunner runner = runner(probe(1, "/health", 1, false, null));
        runner.sync(List.of(GENERATE.instance(ID)));
        assertFalse(runner.routable(ID));
        assertEquals("unprobeable", runner.view().get(0).state());
        await().during(INTERVAL.multipliedBy(3)).atMost(PATIENCE).until(() -> server.requests()
                .isEmpty());
    }
}
