package dev.vigil.frontend.load;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.EventSubjects;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ServedEndpoint;

/**
 * Load shedding against an in-process fake worker whose load the test publishes on the event plane,
 * exactly as a worker does.
 */
@QuarkusTest
class LoadSheddingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "shed-model";
    static final String CHAT =
            "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":1}";

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    @Inject
    BusyMonitor busy;

    InMemoryDiscovery worker;
    ServedEndpoint served;

    @BeforeEach
    void startFakeWorker() {
        worker = new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        EndpointId generate = new EndpointId("dynamo", "backend", "generate");
        Instance instance = generate.instance(worker.instanceId());
        served = plane.serve(instance.address(), request -> {
            try {
                request.send(JSON.writeValueAsBytes(new EngineOutput(List.of(7), " ok", EngineOutput.LENGTH)));
                request.complete();
            } catch (Exception e) {
                request.fail(e.toString());
            }
        });
        worker.register(instance);
        worker.registerModel(new ModelCard(MODEL, generate, worker.instanceId(), 100, 16, 8));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> known.list()
                .contains(instance));
    }

    @AfterEach
    void stopFakeWorker() {
        busy.setThresholds(MODEL, Thresholds.NONE);
        served.close();
        worker.close();
    }

    void publishLoad(long usedBlocks) throws Exception {
        plane.publish(
                EventSubjects.loadMetrics("dynamo"),
                JSON.writeValueAsBytes(
                        new LoadMetrics(worker.instanceId().value(), usedBlocks, 100, 0, usedBlocks, 1, 0)));
    }

    int chatStatus() {
        return given().contentType("application/json")
                .body(CHAT)
                .post("/v1/chat/completions")
                .statusCode();
    }

    @Test
    void withoutThresholdsAFullWorkerStillTakesRequests() throws Exception {
        publishLoad(100);
        Awaitility.await()
                .pollDelay(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(5))
                .until(() -> chatStatus() == 200);
    }

    @Test
    void allWorkersBusyIs503WithDynamosBodyAndRetryAfterThenFreeAgain() throws Exception {
        given().contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"active_decode_blocks_threshold\":0.5}")
                .post("/busy_threshold")
                .then()
                .statusCode(200)
                .body("active_decode_blocks_threshold", equalTo(0.5f));
        publishLoad(60);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chatStatus() == 503);
        given().contentType("application/json")
                .body(CHAT)
                .post("/v1/chat/completions")
                .then()
                .statusCode(503)
                .header("retry-after", "1")
                .contentType("application/json")
                .body(equalTo("{\"message\":\"ResourceExhausted: All workers are busy, please retry later\","
                        + "\"type\":\"Service Unavailable\",\"code\":503}"));
        String metrics = given().header("Accept", "text/plain").get("/metrics").asString();
        assertTrue(
                metrics.contains(
                        "dynamo_frontend_model_rejection_total{endpoint=\"chat_completions\",model=\"" + MODEL + "\""),
                metrics);

        publishLoad(10);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chatStatus() == 200);
    }

    @Test
    void busyThresholdReadsValidatesAndLists() {
        given().contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\"}")
                .post("/busy_threshold")
                .then()
                .statusCode(200)
                .body("model", equalTo(MODEL))
                .body("active_decode_blocks_threshold", nullValue());
        given().contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"active_decode_blocks_threshold\":1.5}")
                .post("/busy_threshold")
                .then()
                .statusCode(400)
                .body("error", equalTo("active_decode_blocks_threshold must be between 0.0 and 1.0, got 1.5"));
        given().contentType("application/json")
                .body("{\"model\":\"nope\",\"active_decode_blocks_threshold\":0.5}")
                .post("/busy_threshold")
                .then()
                .statusCode(404)
                .body("error", equalTo("Model 'nope' not found. Thresholds can only be set for discovered models."));
        given().contentType("application/json")
                .body("[1]")
                .post("/busy_threshold")
                .then()
                .statusCode(422);
        given().get("/busy_threshold").then().statusCode(200).body("thresholds.model", hasItem(MODEL));
    }

    @Test
    void busyThresholdRejectsNonsenseAndChangesNothing() {
        String before = given().contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\"}")
                .post("/busy_threshold")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        for (String bad : List.of(
                "\"active_prefill_tokens_threshold\":2147483648",
                "\"active_prefill_tokens_threshold\":-1",
                "\"active_prefill_tokens_threshold\":1.5",
                "\"active_prefill_tokens_threshold\":\"10\"",
                "\"active_prefill_tokens_threshold_frac\":1e30",
                "\"active_prefill_tokens_threshold_frac\":1e400",
                "\"active_prefill_tokens_threshold_frac\":-0.5",
                "\"active_prefill_tokens_threshold_frac\":true",
                "\"active_decode_blocks_threshold\":1e400",
                "\"active_decode_blocks_threshold\":\"0.5\"",
                // A valid value beside a bad one is not applied either.
                "\"active_decode_blocks_threshold\":0.5,\"active_prefill_tokens_threshold\":-5")) {
            given().contentType("application/json")
                    .body("{\"model\":\"" + MODEL + "\"," + bad + "}")
                    .post("/busy_threshold")
                    .then()
                    .statusCode(400)
                    .contentType("application/json")
                    .body("error", containsString("must be"));
        }
        given().contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\"}")
                .post("/busy_threshold")
                .then()
                .statusCode(200)
                .body(equalTo(before));
    }
}
