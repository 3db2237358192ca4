package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.transport.RequestPlane;

/** {@code GET /v1/models/{model}/ready} (issue 15 item 6): per-model readiness for load balancers and operators. */
@QuarkusTest
class ModelReadyTest {

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    @Test
    void aModelWithARoutableInstanceIsReady() {
        try (FakeWorker worker = FakeWorker.start(plane, "ready-model", null, request -> request.complete())
                .awaitListed(known::list)) {
            given().get("/v1/models/ready-model/ready")
                    .then()
                    .statusCode(200)
                    .contentType("application/json")
                    .body("model", equalTo("ready-model"))
                    .body("status", equalTo("ready"))
                    .body("routable_instances", equalTo(1));
        }
        // Its only worker left: the model is known no more.
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> given().get("/v1/models/ready-model/ready").statusCode() == 404);
    }

    @Test
    void aModelWhoseInstancesAreGoneIs503SayingWhatIsMissing() {
        InMemoryDiscovery ghost = new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        try {
            ghost.registerModel(new ModelCard(
                    "ghost-ready-model",
                    new EndpointId("dynamo", "backend", "generate"),
                    ghost.instanceId(),
                    100,
                    16,
                    8));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() ->
                            given().get("/v1/models/ghost-ready-model/ready").statusCode() == 503);
            given().get("/v1/models/ghost-ready-model/ready")
                    .then()
                    .contentType("application/json")
                    .body(
                            "message",
                            equalTo("Model temporarily unavailable: no live instance serves ghost-ready-model"))
                    .body("code", equalTo(503));
        } finally {
            ghost.close();
        }
    }

    @Test
    void anUnknownModelIs404() {
        given().get("/v1/models/nobody/ready")
                .then()
                .statusCode(404)
                .contentType("application/json")
                .body("message", equalTo("Model not found: nobody"));
    }
}
