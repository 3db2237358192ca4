package dev.vigil.health.canary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.vigil.health.HealthStatus;
import dev.vigil.health.SystemHealth;
import dev.vigil.health.canary.EndpointActivity.ActiveRequest;
import dev.vigil.health.metrics.CanaryMetrics;
import dev.vigil.health.metrics.MetricNames;
import dev.vigil.testing.LogCapture;

/**
 * The canary's schedule on a hand-moved clock: every bound below is exact, derived from the
 * settings, and no test waits for real time.
 */
class CanarySchedulerTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final Duration STALL = Duration.ofSeconds(30);
    static final Duration TICK = Duration.ofNanos(1);
    static final String GENERATE = "generate";
    static final String PAYLOAD = "{\"token_ids\":[1,2],\"stop_conditions\":{\"max_tokens\":1}}";

    final ManualTimer timer = new ManualTimer();
    final SystemHealth health = new SystemHealth(HealthStatus.NOT_READY, List.of(), true);
    final Probe probe = new Probe();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CanaryScheduler scheduler;

    /** A probe whose canaries end when the test says; by default each one hangs. */
    static final class Probe implements CanaryProbe {
        final List<CompletableFuture<CanaryOutcome>> sent = new CopyOnWriteArrayList<>();
        final List<String> payloads = new CopyOnWriteArrayList<>();
        volatile Supplier<CompletableFuture<CanaryOutcome>> answer = CompletableFuture::new;

        @Override
        public CompletableFuture<CanaryOutcome> send(String endpoint, String payload) {
            payloads.add(endpoint + " " + payload);
            CompletableFuture<CanaryOutcome> stage = answer.get();
            sent.add(stage);
            return stage;
        }

        CompletableFuture<CanaryOutcome> last() {
            return sent.get(sent.size() - 1);
        }

        void healthy() {
            answer = () -> CompletableFuture.completedFuture(new CanaryOutcome.Healthy(1));
        }
    }

    CanaryScheduler scheduler(Duration wait, Duration timeout, Duration stall) {
        scheduler = new CanaryScheduler(
                health, new CanarySettings(wait, timeout, stall), probe, timer, new CanaryMetrics(registry));
        return scheduler;
    }

    CanaryScheduler started() {
        scheduler(WAIT, TIMEOUT, STALL).start();
        return scheduler;
    }

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    HealthStatus status() {
        return health.snapshot().endpoints().get(GENERATE);
    }

    double count(String result) {
        var counter = registry.find(MetricNames.CANARY)
                .tags(MetricNames.ENDPOINT_TAG, GENERATE, MetricNames.RESULT_TAG, result)
                .counter();
        return counter == null ? -1 : counter.count();
    }

    /** Brings generate to ready through its first canary, at exactly the wait time. */
    void readyAfterFirstCanary() {
        probe.healthy();
        timer.advance(WAIT);
        assertEquals(HealthStatus.READY, status());
    }

    @Test
    void aTargetIsNotReadyUntilItsFirstCanarySucceedsOneWaitTimeAfterRegistration() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        health.endpointServed(GENERATE);
        assertEquals(HealthStatus.NOT_READY, status(), "with the canary on, serving does not make it ready");
        assertFalse(health.isReady());

        timer.advance(WAIT.minus(TICK));
        assertEquals(0, probe.sent.size());
        probe.healthy();
        timer.advance(TICK);
        assertEquals(List.of("generate " + PAYLOAD), probe.payloads);
        assertEquals(HealthStatus.READY, status());
        assertTrue(health.isReady());
        assertEquals(1, count("ok"));
        assertEquals(0, count("error"));
    }

    @Test
    void targetsRegisteredBeforeStartAndAfterAreBothChecked() {
        health.registerCanaryTarget("early", "{}");
        started();
        health.registerCanaryTarget("late", "{}");
        assertEquals(java.util.Set.of("early", "late"), scheduler.endpoints());
        probe.healthy();
        timer.advance(WAIT);
        assertEquals(
                Map.of("early", HealthStatus.READY, "late", HealthStatus.READY),
                health.snapshot().endpoints());
    }

    @Test
    void eachFailureMakesTheEndpointNotReadyAndTheNextSuccessReadyAgain() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();

        List<Supplier<CompletableFuture<CanaryOutcome>>> failures = List.of(
                () -> CompletableFuture.completedFuture(new CanaryOutcome.ErrorResponse("engine died")),
                () -> CompletableFuture.completedFuture(new CanaryOutcome.NoResponse()),
                () -> CompletableFuture.failedFuture(new IllegalStateException("no engine")),
                () -> {
                    throw new IllegalStateException("probe threw");
                });
        for (Supplier<CompletableFuture<CanaryOutcome>> failure : failures) {
            probe.answer = failure;
            timer.advance(WAIT);
            assertEquals(HealthStatus.NOT_READY, status());
            probe.healthy();
            timer.advance(WAIT);
            assertEquals(HealthStatus.READY, status());
        }
        assertEquals(4, count("error"));
        assertEquals(5, count("ok"));
    }

    @Test
    void aCanaryWhoseStreamDoesNotEndInTimeFailsAndIsAbandoned() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();

        probe.answer = CompletableFuture::new; // hangs
        timer.advance(WAIT);
        CompletableFuture<CanaryOutcome> hung = probe.last();
        timer.advance(TIMEOUT.minus(TICK));
        assertEquals(HealthStatus.READY, status(), "still within the request timeout");
        timer.advance(TICK);
        assertEquals(HealthStatus.NOT_READY, status());
        assertTrue(hung.isCancelled(), "the probe is told to abandon its request");
        assertEquals(1, count("timeout"));

        // A verdict that arrives after the timeout changes nothing.
        hung.obtrudeValue(new CanaryOutcome.Healthy(1));
        assertEquals(HealthStatus.NOT_READY, status());
        var durations = registry.find(MetricNames.CANARY_DURATION)
                .tags(MetricNames.RESULT_TAG, "timeout")
                .timer();
        assertEquals(1, durations.count());
        assertEquals(TIMEOUT.toNanos(), (long) durations.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    @Test
    void atMostOneCanaryIsInFlightAndTheWaitRestartsWhenItEnds() {
        scheduler(Duration.ofSeconds(1), Duration.ofSeconds(5), STALL).start();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        timer.advance(Duration.ofSeconds(1));
        assertEquals(1, probe.sent.size());
        timer.advance(Duration.ofSeconds(5).minus(TICK));
        assertEquals(1, probe.sent.size(), "no second canary while the first is in flight");
        timer.advance(TICK); // the first times out
        timer.advance(Duration.ofSeconds(1).minus(TICK));
        assertEquals(1, probe.sent.size());
        timer.advance(TICK);
        assertEquals(2, probe.sent.size());
    }

    @Test
    void successfulTrafficPostponesTheCanaryWhileTheEndpointIsReady() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        EndpointActivity activity = scheduler.activity(GENERATE);

        for (int i = 0; i < 10; i++) {
            timer.advance(WAIT.minus(TICK));
            ActiveRequest request = activity.requestStarted();
            request.tokenProduced();
            request.succeeded();
        }
        assertEquals(1, probe.sent.size(), "steady successful traffic: no canary");

        timer.advance(WAIT.minus(TICK));
        assertEquals(1, probe.sent.size());
        timer.advance(TICK);
        assertEquals(2, probe.sent.size(), "one wait time after the last success");
    }

    @Test
    void failedAndUnfinishedRequestsDoNotPostponeTheCanary() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        EndpointActivity activity = scheduler.activity(GENERATE);

        timer.advance(WAIT.dividedBy(2));
        activity.requestStarted().ended();
        ActiveRequest longOne = activity.requestStarted();
        longOne.tokenProduced();
        timer.advance(WAIT.dividedBy(2));
        assertEquals(2, probe.sent.size(), "a canary runs beside a long request, as in Dynamo");
        longOne.succeeded();
    }

    @Test
    void aNotReadyEndpointUnderSteadyTrafficIsStillReCheckedEveryWaitTime() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        probe.answer = () -> CompletableFuture.completedFuture(new CanaryOutcome.ErrorResponse("bad"));
        timer.advance(WAIT);
        assertEquals(HealthStatus.NOT_READY, status());

        EndpointActivity activity = scheduler.activity(GENERATE);
        probe.healthy();
        for (int i = 0; i < 9; i++) {
            timer.advance(WAIT.dividedBy(10));
            ActiveRequest request = activity.requestStarted();
            request.tokenProduced();
            request.succeeded();
            assertEquals(HealthStatus.NOT_READY, status(), "traffic alone does not make it ready");
        }
        timer.advance(WAIT.dividedBy(10));
        assertEquals(3, probe.sent.size(), "re-checked one wait time after the failed canary");
        assertEquals(HealthStatus.READY, status());
    }

    @Test
    void busyEndpointWithoutTokensForTheStallTimeoutIsNotReadyUntilATokenComes() {
        Duration stall = WAIT.dividedBy(2);
        scheduler(WAIT, TIMEOUT, stall).start();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        EndpointActivity activity = scheduler.activity(GENERATE);

        ActiveRequest stuck = activity.requestStarted();
        stuck.tokenProduced();
        timer.advance(stall.minus(TICK));
        assertEquals(HealthStatus.READY, status());
        timer.advance(TICK);
        assertEquals(HealthStatus.NOT_READY, status(), "before the next canary was due");
        assertEquals(1, probe.sent.size());
        assertEquals(1, count("stalled"));

        stuck.tokenProduced();
        assertEquals(HealthStatus.READY, status(), "progress undoes a stall");
        stuck.succeeded();
        assertEquals(1, count("stalled"));
    }

    @Test
    void tokensKeepTheWatchdogQuietAndIdleEndpointsAreNeverStalled() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        EndpointActivity activity = scheduler.activity(GENERATE);

        ActiveRequest streaming = activity.requestStarted();
        for (int i = 0; i < 10; i++) {
            timer.advance(STALL.minus(TICK));
            streaming.tokenProduced();
        }
        streaming.succeeded();
        timer.advance(STALL.multipliedBy(3));
        assertEquals(0, count("stalled"));
        assertEquals(HealthStatus.READY, status());
    }

    @Test
    void aStallIsMeasuredFromWhenTheEndpointBecameBusy() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        EndpointActivity activity = scheduler.activity(GENERATE);
        activity.requestStarted().ended(); // a busy moment without a token arms the watchdog
        timer.advance(STALL.minus(TICK));
        ActiveRequest request = activity.requestStarted();
        timer.advance(TICK);
        assertEquals(0, count("stalled"), "the new request has waited one tick, not the stall timeout");
        timer.advance(STALL.minus(TICK));
        assertEquals(1, count("stalled"));
        request.ended();
    }

    @Test
    void aStallDoesNotUndoAFailedCanaryWhenTokensResume() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        probe.answer = () -> CompletableFuture.completedFuture(new CanaryOutcome.ErrorResponse("bad"));
        timer.advance(WAIT);
        assertEquals(HealthStatus.NOT_READY, status());

        ActiveRequest stuck = scheduler.activity(GENERATE).requestStarted();
        timer.advance(STALL);
        assertEquals(1, count("stalled"));
        stuck.tokenProduced();
        assertEquals(HealthStatus.NOT_READY, status(), "only a canary undoes a failed canary");
        stuck.succeeded();
    }

    @Test
    void aSuccessfulCanaryEndsAStall() {
        scheduler(WAIT, TIMEOUT, Duration.ofSeconds(5)).start();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        ActiveRequest stuck = scheduler.activity(GENERATE).requestStarted();
        timer.advance(Duration.ofSeconds(5));
        assertEquals(HealthStatus.NOT_READY, status());
        timer.advance(WAIT.minus(Duration.ofSeconds(5)));
        assertEquals(HealthStatus.READY, status(), "the engine answered a whole canary");
        assertEquals(2, probe.sent.size());
        stuck.ended();
    }

    @Test
    void aZeroStallTimeoutTurnsTheWatchdogOff() {
        scheduler(WAIT, TIMEOUT, Duration.ZERO).start();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        scheduler.activity(GENERATE).requestStarted();
        timer.advance(Duration.ofHours(1).minus(WAIT));
        assertEquals(0, count("stalled"));
    }

    @Test
    void aRemovedEndpointIsNoLongerCheckedAndALateResultDoesNotBringItBack() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        timer.advance(WAIT);
        CompletableFuture<CanaryOutcome> inFlight = probe.last();
        health.removeEndpoint(GENERATE);
        assertTrue(inFlight.isCancelled());
        inFlight.obtrudeValue(new CanaryOutcome.Healthy(1));
        timer.advance(WAIT.multipliedBy(3));
        assertEquals(1, probe.sent.size());
        assertEquals(Map.of(), health.snapshot().endpoints());
        assertEquals(0, timer.pending());
        assertEquals(-1, count("ok"), "its metrics go with it");
    }

    @Test
    void closeAbandonsTheCanaryInFlightAndAppliesNothingAfterwards() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        readyAfterFirstCanary();
        probe.answer = CompletableFuture::new;
        timer.advance(WAIT);
        CompletableFuture<CanaryOutcome> inFlight = probe.last();
        scheduler.close();
        assertTrue(inFlight.isCancelled());
        health.endpointStopped(GENERATE);
        timer.advance(TIMEOUT.plus(WAIT));
        assertEquals(HealthStatus.NOT_READY, status());
        assertEquals(0, timer.pending());
    }

    @Test
    void everyResultHasItsSeriesAtZeroFromTheStart() {
        started();
        health.registerCanaryTarget(GENERATE, PAYLOAD);
        for (String result : List.of("ok", "error", "timeout", "stalled")) {
            assertEquals(0, count(result), result);
        }
    }

    @Test
    void theSeedsLinesAreLoggedAtInfo() {
        LogCapture log = LogCapture.of(CanaryScheduler.class);
        try {
            started();
            health.registerCanaryTarget(GENERATE, PAYLOAD);
            readyAfterFirstCanary();
            probe.answer = CompletableFuture::new;
            timer.advance(WAIT.plus(TIMEOUT));
        } finally {
            log.close();
        }
        assertEquals(
                List.of(
                        "INFO Health check manager started (canary_wait_time: 10s, request_timeout: 3s)",
                        "INFO Health check stall watchdog on (stall_timeout: 30s)",
                        "INFO Starting health check tasks for 0 endpoints with canary_wait_time: 10s",
                        "INFO HealthCheckManager started successfully with channel-based endpoint discovery",
                        "INFO Starting dynamic endpoint discovery monitor with channel-based notifications",
                        "INFO Dynamic endpoint discovery monitor started",
                        "INFO Spawning health check task for new endpoint: generate",
                        "INFO Health check task started for: generate",
                        "INFO Spawned health check task for endpoint: generate",
                        "INFO Canary timer expired for generate, sending health check",
                        "INFO Health check successful for generate",
                        "INFO Canary timer expired for generate, sending health check",
                        "WARN Health check timeout for generate: stream not ended within 3s"),
                log.lines());
    }
}
