package dev.vigil.frontend.probe;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.testing.FakeHttpServer;
import dev.vigil.testing.FakeHttpServer.Answer;

/**
 * The frontend's routes with probes configured, in process: a fake worker whose status server (a
 * real HTTP server) answers 503 gets no request, is not listed by /v1/models and shows as probing;
 * once its status server answers 200 for {@code ready_after} probes it serves.
 */
@QuarkusTest
@TestProfile(ProbeGatingTest.WithProbes.class)
class ProbeGatingTest {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int READY_AFTER = 2;

    public static class WithProbes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dyn.probes", "[{type: http, url: /health, interval: 1s, timeout: 2s, ready_after: 2}]");
        }
    }

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    FakeHttpServer status;
    FakeWorker worker;
    Instance instance;
    final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void startFakeWorker() throws IOException {
        status = FakeHttpServer.start().otherwise(Answer.json(200, "{}"));
        status.otherwise(Answer.json(503, "{}"));
        worker = FakeWorker.start(plane, "gated-model", status.url(), request -> {
                    received.incrementAndGet();
                    try {
                        request.send(new ObjectMapper()
                                .writeValueAsBytes(new EngineOutput(List.of(100), " alpha", EngineOutput.LENGTH)));
                        request.complete();
                    } catch (IOException e) {
                        request.fail(e.toString());
                    }
                })
                .awaitListed(known::list);
        instance = worker.instance();
    }

    @AfterEach
    void stopFakeWorker() {
        worker.close();
        status.close();
    }

    static String chat() {
        return "{\"model\":\"gated-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":1}";
    }

    @Test
    void anInstanceGetsTrafficOnlyAfterItsProbesPass() {
        String hex = instance.id().hex();
        // Probed at least once and failing: not routable.
        Awaitility.await().atMost(INTERVAL.multipliedBy(5)).until(() -> status.hits("/health") >= 1);
        given().contentType("application/json")
                .body(chat())
                .post("/v1/chat/completions")
                .then()
                .statusCode(503)
                .body("message", containsString("has passed its probes yet"));
        given().get("/v1/models")
                .then()
                .statusCode(200)
                .body("data.id", not(org.hamcrest.Matchers.hasItem("gated-model")));
        given().get("/v1/instances")
                .then()
                .statusCode(200)
                .contentType(containsString("application/json"))
                .body("probes[0].url", equalTo("/health"))
                .body("probes[0].ready_after", equalTo(READY_AFTER))
                .body("data[0].instance_hex", equalTo(hex))
                .body("data[0].system_status_url", equalTo(status.url()))
                .body("data[0].state", equalTo("probing"))
                .body("data[0].routable", equalTo(false))
                .body("data[0].probes[0].symbol", equalTo("×"))
                .body("data[0].probes[0].last.result", equalTo("http_status"))
                .body("data[0].probes[0].last.status", equalTo(503));
        String table = given().header("Accept", "text/plain")
                .get("/v1/instances")
                .then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .extract()
                .asString();
        assertTrue(table.lines().anyMatch(l -> l.startsWith(hex) && l.contains("probing") && l.contains("×")), table);
        // /health is discovery's view, in the seed's shape: the instance is listed while probing.
        given().get("/health")
                .then()
                .statusCode(200)
                .body(containsString(instance.id().decimal()));
        assertEquals(0, received.get(), "no request reached the worker before its probes passed");

        status.otherwise(Answer.json(200, "{}"));
        // ready_after successes, one interval apart, plus one interval of slack.
        Awaitility.await()
                .atMost(INTERVAL.multipliedBy(READY_AFTER + 3))
                .until(() -> given().get("/v1/instances").jsonPath().getBoolean("data[0].routable"));
        given().contentType("application/json")
                .body(chat())
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        assertEquals(1, received.get());
        given().get("/v1/models").then().body("data.id", org.hamcrest.Matchers.hasItem("gated-model"));
        given().get("/v1/instances?format=table").then().body(containsString("ready"), containsString("✓"));
        // The text format's writer may end a label set with a comma: {a="1",}.
        String metrics = given().get("/metrics").asString().replace(",}", "}");
        String id = instance.id().decimal();
        assertTrue(
                metrics.contains(
                        "vigil_frontend_probe_total{probe=\"1\",result=\"http_status\",worker_id=\"" + id + "\"}"),
                metrics);
        assertTrue(
                metrics.contains("vigil_frontend_probe_total{probe=\"1\",result=\"success\",worker_id=\"" + id + "\"}"),
                metrics);
        assertTrue(
                metrics.contains("vigil_frontend_probe_duration_seconds_bucket{probe=\"1\",worker_id=\"" + id + "\""),
                metrics);
        assertTrue(metrics.contains("vigil_frontend_routable_instances 1.0"), metrics);
    }
}
