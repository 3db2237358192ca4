package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.vigil.health.metrics.MetricNames;
import dev.vigil.worker.canary.CanaryChecks;

/**
 * Dynamo's default, the canary off: served endpoints are ready at once (generate, registered with a
 * payload, decides readiness when no endpoint list is set), and no canary is ever sent.
 */
@QuarkusTest
@TestProfile(CanaryOffTest.CanaryOff.class)
class CanaryOffTest {

    /** Set although the canary is off: had anything been scheduled, it would have run by now. */
    static final Duration WAIT = Duration.ofSeconds(1);

    public static class CanaryOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dyn.mocker.startup-delay-ms", "0", "dyn.canary-wait-time", String.valueOf(WAIT.toSeconds()));
        }
    }

    @Inject
    MeterRegistry registry;

    @Inject
    CanaryChecks canary;

    @Test
    void servedEndpointsAreReadyAtOnceAndNoCanaryIsSent() {
        // Ready without any canary having been sent (asserted below), not within some time: a loaded
        // machine may take longer than the canary wait to answer the first request, and that says
        // nothing about the canary.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/health").statusCode() == 200);
        assertTrue(registry.find(MetricNames.CANARY).meters().isEmpty(), "ready before any canary was sent");
        assertEquals(
                Map.of("clear_kv_blocks", "ready", "generate", "ready", "load_metrics", "ready"),
                JsonPath.from(given().get("/health").asString()).getMap("endpoints"));

        assertTrue(canary.scheduler().isEmpty());
        Awaitility.await()
                .during(WAIT.multipliedBy(2))
                .atMost(WAIT.multipliedBy(3))
                .until(() -> registry.find(MetricNames.CANARY).meters().isEmpty());
        assertEquals(200, given().get("/health").statusCode());
    }
}
