package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SystemHealthTest {

    private static final HealthStatus READY = HealthStatus.READY;
    private static final HealthStatus NOT_READY = HealthStatus.NOT_READY;

    @Test
    void startingStatusDecidesWhenNoListAndNoCanaryTarget() {
        assertTrue(new SystemHealth(READY, List.of(), false).isReady());
        SystemHealth notReady = new SystemHealth(NOT_READY, List.of(), false);
        assertFalse(notReady.isReady());
        assertEquals(Map.of(), notReady.snapshot().endpoints());
    }

    @Test
    void servedEndpointsWithoutListOrPayloadDoNotChangeReadiness() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of(), false);
        health.endpointServed("generate");
        assertEquals(READY, health.snapshot().endpoints().get("generate"));
        assertFalse(health.isReady(), "rule 3: the system status decides");
        health.setSystemStatus(READY);
        assertTrue(health.isReady());
    }

    @Test
    void listedEndpointsArePreInsertedAndGateReadiness() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of("generate"), false);
        assertEquals(Map.of("generate", NOT_READY), health.snapshot().endpoints());
        assertFalse(health.isReady());

        health.endpointServed("clear_kv_blocks");
        assertFalse(health.isReady(), "an endpoint outside the list does not count");

        health.endpointServed("generate");
        assertTrue(health.isReady());

        health.endpointStopped("generate");
        assertFalse(health.isReady());
        assertEquals(NOT_READY, health.snapshot().endpoints().get("generate"));
    }

    @Test
    void listTakesPrecedenceOverStartingStatus() {
        SystemHealth health = new SystemHealth(READY, List.of("generate", "load_metrics"), true);
        health.endpointServed("generate");
        assertFalse(health.isReady(), "load_metrics is listed and never served");
        health.setSystemStatus(READY);
        assertFalse(health.isReady());
    }

    @Test
    void startingReadyWithListAndCanaryOffIsReadyBeforeAnythingIsServed() {
        SystemHealth health = new SystemHealth(READY, List.of("generate"), false);
        assertTrue(health.isReady(), "Dynamo's edge case: listed names take the starting status");
        assertEquals(READY, health.snapshot().endpoints().get("generate"));
    }

    @Test
    void canaryTargetsGateReadinessWhenThereIsNoList() {
        SystemHealth health = new SystemHealth(READY, List.of(), false);
        assertTrue(health.registerCanaryTarget("generate", "{}"));
        assertFalse(health.isReady(), "rule 2: a registered target starts not ready");
        health.endpointServed("generate");
        assertTrue(health.isReady(), "canary off: serving makes the target ready");
    }

    @Test
    void withCanaryEnabledOnlyTheCanaryMakesAPayloadEndpointReady() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of(), true);
        health.registerCanaryTarget("generate", "{\"max_tokens\":1}");
        health.endpointServed("generate");
        assertFalse(health.isReady());
        assertEquals(NOT_READY, health.snapshot().endpoints().get("generate"));

        health.endpointServed("load_metrics");
        assertEquals(
                READY,
                health.snapshot().endpoints().get("load_metrics"),
                "an endpoint without a payload is ready when served, even with the canary on");

        health.setEndpoint("generate", READY);
        assertTrue(health.isReady());
        health.setEndpoint("generate", NOT_READY);
        assertFalse(health.isReady());
    }

    @Test
    void reRegisteringACanaryTargetKeepsTheFirst() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of(), true);
        assertTrue(health.registerCanaryTarget("generate", "{\"a\":1}"));
        assertFalse(health.registerCanaryTarget("generate", "{\"b\":2}"));
        assertEquals(Map.of("generate", "{\"a\":1}"), health.snapshot().canaryTargets());
    }

    @Test
    void removedEndpointLeavesTheBodyAndTheDecision() {
        SystemHealth health = new SystemHealth(READY, List.of(), false);
        health.registerCanaryTarget("generate", "{}");
        assertFalse(health.isReady());
        health.removeEndpoint("generate");
        assertEquals(Map.of(), health.snapshot().endpoints());
        assertTrue(health.isReady(), "back to rule 3");
    }

    @Test
    void snapshotsAreImmutableAndReplacedOnChange() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of("generate"), false);
        HealthSnapshot before = health.snapshot();
        health.endpointServed("generate");
        assertEquals(NOT_READY, before.status());
        assertEquals(NOT_READY, before.endpoints().get("generate"));
        assertEquals(READY, health.snapshot().status());
    }

    @Test
    void endpointsAreSortedByName() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of(), false);
        health.endpointServed("load_metrics");
        health.endpointServed("generate");
        health.endpointServed("clear_kv_blocks");
        assertEquals(
                List.of("clear_kv_blocks", "generate", "load_metrics"),
                new ArrayList<>(health.snapshot().endpoints().keySet()));
    }

    @Test
    void countsTellWhichEndpointsTakePartInTheDecision() {
        SystemHealth listed = new SystemHealth(NOT_READY, List.of("generate"), false);
        listed.endpointServed("load_metrics");
        assertTrue(listed.snapshot().counts("generate"));
        assertFalse(listed.snapshot().counts("load_metrics"));

        SystemHealth targets = new SystemHealth(NOT_READY, List.of(), false);
        targets.registerCanaryTarget("generate", "{}");
        targets.endpointServed("load_metrics");
        assertTrue(targets.snapshot().counts("generate"));
        assertFalse(targets.snapshot().counts("load_metrics"));
    }

    @Test
    void listenersHearAdditionsAndRemovalsAndAreReplayedExistingEndpoints() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of("generate"), false);
        List<String> events = new ArrayList<>();
        health.addListener(new EndpointHealthListener() {
            @Override
            public void endpointAdded(String endpoint) {
                events.add("+" + endpoint);
            }

            @Override
            public void endpointRemoved(String endpoint) {
                events.add("-" + endpoint);
            }
        });
        health.endpointServed("generate");
        health.endpointServed("load_metrics");
        health.endpointStopped("load_metrics");
        health.removeEndpoint("load_metrics");
        assertEquals(List.of("+generate", "+load_metrics", "-load_metrics"), events);
    }

    @Test
    void checkedVerdictsApplyOnlyToCanaryTargets() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of(), true);
        health.registerCanaryTarget("generate", "{}");
        assertTrue(health.setCheckedEndpoint("generate", READY));
        assertTrue(health.isReady());
        health.removeEndpoint("generate");
        assertFalse(health.setCheckedEndpoint("generate", READY), "a late verdict does not bring it back");
        assertEquals(Map.of(), health.snapshot().endpoints());
    }

    @Test
    void listenersHearNewCanaryTargetsAndAreReplayedExistingOnes() {
        SystemHealth health = new SystemHealth(NOT_READY, List.of("generate"), true);
        health.registerCanaryTarget("early", "{\"a\":1}");
        List<String> events = new ArrayList<>();
        health.addListener(new EndpointHealthListener() {
            @Override
            public void endpointAdded(String endpoint) {}

            @Override
            public void endpointRemoved(String endpoint) {}

            @Override
            public void canaryTargetAdded(String endpoint, String payload) {
                events.add(endpoint + " " + payload);
            }
        });
        health.registerCanaryTarget("generate", "{}");
        health.registerCanaryTarget("generate", "{\"again\":1}");
        assertEquals(List.of("early {\"a\":1}", "generate {}"), events);
    }

    @Test
    void uptimeIsMeasuredFromCreation() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        SystemHealth health = new SystemHealth(NOT_READY, List.of(), false, now::get);
        assertEquals(new Uptime(0, 0), health.uptime());
        now.addAndGet(12_313_803_539L);
        assertEquals(new Uptime(12, 313_803_539), health.uptime());
    }
}
