package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.vigil.worker.endpoint.EndpointHealthHook;
import dev.vigil.worker.endpoint.WorkerEndpoint;

/** The seed's example: {@code DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS=["generate"]}. */
@QuarkusTest
@TestProfile(EndpointListTest.GenerateRequired.class)
class EndpointListTest {

    public static class GenerateRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dyn.system.use-endpoint-health-status", "[\"generate\"]");
        }
    }

    @Inject
    EndpointHealthHook hook;

    @Test
    void notReadyUntilGenerateIsServedThenReadyUntilItStops() {
        JsonPath before = JsonPath.from(
                given().get("/health").then().statusCode(503).extract().asString());
        assertEquals(Map.of("generate", "notready"), before.getMap("endpoints"));
        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'vigil-endpoint-generate' }.status", equalTo("DOWN"));

        hook.served(WorkerEndpoint.CLEAR_KV_BLOCKS.wireName());
        given().get("/health").then().statusCode(503);

        hook.served(WorkerEndpoint.GENERATE.wireName());
        hook.served(WorkerEndpoint.LOAD_METRICS.wireName());
        JsonPath after = JsonPath.from(
                given().get("/health").then().statusCode(200).extract().asString());
        assertEquals(
                Map.of("clear_kv_blocks", "ready", "generate", "ready", "load_metrics", "ready"),
                after.getMap("endpoints"));
        assertEquals("ready", after.getString("status"));
        given().get("/live").then().statusCode(200);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("vigil-endpoint-generate"))
                .body("checks.name", hasItem("vigil-endpoint-load_metrics"));

        hook.stopped(WorkerEndpoint.GENERATE.wireName());
        given().get("/health")
                .then()
                .statusCode(503)
                .body(org.hamcrest.Matchers.containsString("\"generate\":\"notready\""));
        given().get("/q/health/ready").then().statusCode(503);
    }
}
