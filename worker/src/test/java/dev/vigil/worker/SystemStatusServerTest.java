package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.vigil.health.HealthStatus;
import dev.vigil.health.SystemHealth;
import dev.vigil.worker.endpoint.EndpointHealthHook;
import dev.vigil.worker.endpoint.WorkerEndpoint;

/** The system status server with Dynamo's defaults: starting status notready, no endpoint list. */
@QuarkusTest
class SystemStatusServerTest {

    static final String TEXT = "text/plain; charset=utf-8";

    @Inject
    SystemHealth health;

    @Inject
    EndpointHealthHook hook;

    @AfterEach
    void restore() {
        health.setSystemStatus(HealthStatus.NOT_READY);
        for (WorkerEndpoint endpoint : WorkerEndpoint.values()) {
            health.removeEndpoint(endpoint.wireName());
        }
    }

    @Test
    void healthIs503NotReadyWithExactlyTheDynamoKeys() {
        Response response = given().get("/health");
        assertEquals(503, response.statusCode());
        assertEquals(TEXT, response.contentType());
        String body = response.asString();
        assertTrue(!body.contains(" ") && !body.contains("\n"), "compact JSON: " + body);
        Map<String, Object> json = JsonPath.from(body).getMap("$");
        assertEquals(Set.of("endpoints", "status", "uptime"), json.keySet());
        assertEquals("notready", json.get("status"));
        assertEquals(Map.of(), json.get("endpoints"));
        assertEquals(Set.of("nanos", "secs"), ((Map<?, ?>) json.get("uptime")).keySet());
    }

    @Test
    void readySystemStatusAnswers200() {
        health.setSystemStatus(HealthStatus.READY);
        given().get("/health").then().statusCode(200).contentType(TEXT).body(containsString("\"status\":\"ready\""));
    }

    @Test
    void liveAndReadyRepeatTheHealthAnswer() {
        for (String path : new String[] {"/live", "/ready"}) {
            given().get(path).then().statusCode(503).contentType(TEXT).body(containsString("\"status\":\"notready\""));
        }
        health.setSystemStatus(HealthStatus.READY);
        for (String path : new String[] {"/live", "/ready"}) {
            given().get(path).then().statusCode(200).body(containsString("\"status\":\"ready\""));
        }
    }

    @Test
    void unknownPathsAnswerRouteNotFound() {
        for (String path : new String[] {"/nope", "/health/", "/healthz", "/v1/models", "/metrics/x"}) {
            given().get(path)
                    .then()
                    .statusCode(404)
                    .contentType("application/json")
                    .body("error", equalTo("Route not found"))
                    .body("message", equalTo("Route GET " + path + " not found"));
        }
    }

    @Test
    void headIsAnsweredAndOtherMethodsAreNotAllowed() {
        given().head("/health").then().statusCode(503);
        given().post("/health")
                .then()
                .statusCode(405)
                .contentType("application/json")
                .body("error", equalTo("Method not allowed"));
    }

    @Test
    void uptimeGrows() {
        double first = uptime(given().get("/health").asString());
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> uptime(given().get("/health").asString()) > first);
    }

    @Test
    void servedAndStoppedEndpointsAppearInTheBodyAndTheGauges() {
        hook.served(WorkerEndpoint.GENERATE.wireName());
        hook.served(WorkerEndpoint.LOAD_METRICS.wireName());
        hook.stopped(WorkerEndpoint.LOAD_METRICS.wireName());
        JsonPath body = JsonPath.from(given().get("/health").asString());
        assertEquals(Map.of("generate", "ready", "load_metrics", "notready"), body.getMap("endpoints"));
        assertEquals("notready", body.getString("status"), "without a list, the starting status decides");
        // The text format's writer may end a label set with a comma: {a="1",}.
        String metrics = given().get("/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .replace(",}", "}");
        assertTrue(metrics.contains("dynamo_component_endpoint_health{dynamo_endpoint=\"generate\"} 1.0"), metrics);
        assertTrue(metrics.contains("dynamo_component_endpoint_health{dynamo_endpoint=\"load_metrics\"} 0.0"), metrics);
    }

    @Test
    void metricsExposeUptimeInPrometheusText() {
        given().header("Accept", "text/plain")
                .get("/metrics")
                .then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE dynamo_component_uptime_seconds gauge"))
                .body(containsString("dynamo_component_uptime_seconds "));
    }

    @Test
    void smallRyeHealthAgreesWithTheDynamoViews() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(503).body("status", equalTo("DOWN"));
        health.setSystemStatus(HealthStatus.READY);
        given().get("/health").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    static double uptime(String body) {
        JsonPath json = JsonPath.from(body);
        return json.getLong("uptime.secs") + json.getLong("uptime.nanos") / 1e9;
    }
}
