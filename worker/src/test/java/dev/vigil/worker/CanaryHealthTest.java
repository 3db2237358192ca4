package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.health.HealthStatus;
import dev.vigil.health.SystemHealth;
import dev.vigil.health.metrics.MetricNames;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.worker.canary.CanaryChecks;
import dev.vigil.worker.endpoint.WorkerEndpoint;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.FaultInjection;
import dev.vigil.worker.engine.FaultMode;
import dev.vigil.worker.engine.MockEngine;

/**
 * The canary in a running worker, against a mock engine made to misbehave. Timings are short and
 * every bound is computed from them: a wait time, a request timeout, a stall timeout, plus one more
 * wait time of slack for a loaded machine.
 */
@QuarkusTest
@TestProfile(CanaryHealthTest.CanaryOn.class)
class CanaryHealthTest {

    static final Duration WAIT = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final Duration STALL = Duration.ofSeconds(1);
    /** Scheduling slack: one more wait time. */
    static final Duration EPSILON = WAIT;

    public static class CanaryOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "dyn.mocker.startup-delay-ms", "0",
                    "dyn.health-check.enabled", "true",
                    "dyn.canary-wait-time", String.valueOf(WAIT.toSeconds()),
                    "dyn.health-check.request-timeout", String.valueOf(TIMEOUT.toSeconds()),
                    "dyn.health-check.stall-timeout", String.valueOf(STALL.toSeconds()));
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final String GENERATE = WorkerEndpoint.GENERATE.wireName();

    @Inject
    Engine workerEngine;

    /** The worker's engine is the mock engine, which can be made to misbehave. */
    FaultInjection engine;

    @Inject
    SystemHealth health;

    @Inject
    CanaryChecks canary;

    @Inject
    MeterRegistry registry;

    @Inject
    Discovery discovery;

    @Inject
    RequestPlane plane;

    static ConditionFactory within(Duration bound) {
        return Awaitility.await().pollInterval(Duration.ofMillis(20)).atMost(bound);
    }

    static int health() {
        return given().get("/health").statusCode();
    }

    double canaries(String result) {
        Counter counter = registry.find(MetricNames.CANARY)
                .tags(MetricNames.ENDPOINT_TAG, GENERATE, MetricNames.RESULT_TAG, result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    double canariesSent() {
        return canaries("ok") + canaries("error") + canaries("timeout");
    }

    @BeforeEach
    void healthyAndReady() {
        engine = workerEngine.faultInjection().orElseThrow();
        engine.heal();
        // The worker joins (and registers generate) at start-up; every test begins once a canary
        // proved the healthy engine.
        within(WAIT.plus(TIMEOUT).plus(EPSILON)).until(() -> health() == 200);
    }

    @AfterEach
    void heal() {
        engine.heal();
    }

    @Test
    void aNewlyRegisteredEndpointIsNotReadyUntilItsFirstCanaryOneWaitTimeLater() {
        health.removeEndpoint(GENERATE);
        canary.registerTarget(WorkerEndpoint.GENERATE);
        assertEquals(HealthStatus.NOT_READY, health.snapshot().endpoints().get(GENERATE));
        given().get("/health").then().statusCode(503).body(containsString("\"generate\":\"notready\""));
        assertEquals(0, canaries("ok"), "its schedule starts afresh");

        within(WAIT.plus(EPSILON)).until(() -> health() == 200);
        assertEquals(1, canaries("ok"));
        given().get("/health").then().body(containsString("\"generate\":\"ready\""));
    }

    @Test
    void canaryResultsAndReadinessAreOnMetrics() {
        String metrics =
                // The text format's writer may end a label set with a comma: {a="1",}.
                given().get("/metrics")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString()
                        .replace(",}", "}");
        for (String result : new String[] {"ok", "error", "timeout", "stalled"}) {
            assertTrue(
                    metrics.contains(
                            "dynamo_component_canary_total{dynamo_endpoint=\"generate\",result=\"" + result + "\"}"),
                    result + " in\n" + metrics);
        }
        assertTrue(
                metrics.contains(
                        "dynamo_component_canary_duration_seconds_bucket{dynamo_endpoint=\"generate\",result=\"ok\",le=\"0.1\"}"));
        assertTrue(metrics.contains("dynamo_component_endpoint_health{dynamo_endpoint=\"generate\"} 1.0"));
    }

    @Test
    void anEngineFailingOnItsFirstTokenIsNotReadyWithinTheWaitAndReadyAgainOnceHealed() {
        double errors = canaries("error");
        engine.injectFault(FaultMode.ERROR_FIRST_TOKEN);
        within(WAIT.plus(EPSILON)).until(() -> health() == 503);
        assertTrue(canaries("error") > errors);
        given().get("/health").then().body(containsString("\"generate\":\"notready\""));

        engine.heal();
        within(WAIT.plus(EPSILON)).until(() -> health() == 200);
    }

    @Test
    void aHungEngineIsNotReadyWithinTheWaitPlusTheRequestTimeout() {
        double timeouts = canaries("timeout");
        engine.injectFault(FaultMode.HANG);
        within(WAIT.plus(TIMEOUT).plus(EPSILON)).until(() -> health() == 503);
        assertTrue(canaries("timeout") > timeouts);
    }

    @Test
    void anEngineThatStallsAfterItsFirstTokenIsNotReady() {
        // Dynamo's canary would pass: the first (and only) token arrives. Ours waits for the end.
        double timeouts = canaries("timeout");
        double errors = canaries("error");
        engine.injectFault(FaultMode.STALL_AFTER_FIRST_TOKEN);
        within(WAIT.plus(TIMEOUT).plus(EPSILON)).until(() -> health() == 503);
        assertTrue(canaries("timeout") > timeouts);
        assertEquals(errors, canaries("error"), "a timeout, not an error");
    }

    @Test
    void aBusyEndpointWhoseEngineHangsMidRequestIsNotReadyWithinTheStallTimeout() throws Exception {
        AtomicInteger frames = new AtomicInteger();
        ResponseStream longRequest = call(100_000, frames, new CompletableFuture<>());
        within(EPSILON).until(() -> frames.get() >= 3);
        double stalls = canaries("stalled");

        engine.injectFault(FaultMode.HANG);
        within(STALL.plus(EPSILON)).until(() -> canaries("stalled") > stalls);
        assertEquals(503, health());

        engine.heal();
        within(WAIT.plus(TIMEOUT).plus(EPSILON)).until(() -> health() == 200);
        longRequest.kill();
    }

    @Test
    void steadySuccessfulTrafficSendsNoCanary() throws Exception {
        // A canary already under way when traffic starts ends within the request timeout.
        traffic(TIMEOUT);
        double sent = canariesSent();
        traffic(WAIT.multipliedBy(3));
        assertEquals(sent, canariesSent(), "three wait times of successful traffic and no canary");
        assertEquals(200, health());
    }

    /** Back-to-back short requests, each finishing successfully, for {@code duration}. */
    private void traffic(Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            call(2, new AtomicInteger(), done);
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private ResponseStream call(int maxTokens, AtomicInteger frames, CompletableFuture<Void> done) throws Exception {
        String subject = new EndpointId("dynamo", "backend", GENERATE)
                .instance(discovery.instanceId())
                .address();
        GenerateRequest request = new GenerateRequest(
                "mock-model",
                MockEngine.HEALTH_CHECK_REQUEST.tokenIds(),
                new StopConditions(maxTokens, null, null, true),
                null);
        return plane.call(
                subject, "test-" + System.nanoTime(), JSON.writeValueAsBytes(request), new ResponseObserver() {
                    @Override
                    public void onData(byte[] data) {
                        frames.incrementAndGet();
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }

                    @Override
                    public void onError(StreamError error) {
                        done.completeExceptionally(new AssertionError(error.toString()));
                    }
                });
    }
}
