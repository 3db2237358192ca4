package dev.vigil.frontend.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.model.Transport;

@QuarkusTest
class FrontendHealthTest {

    @Inject
    KnownInstances instances;

    @Inject
    ServedModels models;

    @AfterEach
    void forget() {
        instances.replace(List.of());
        models.replace(List.of());
    }

    @Test
    void liveSaysLive() {
        given().get("/live")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body(equalTo("{\"message\":\"Service is live\",\"status\":\"live\"}"));
    }

    @Test
    void healthBeforeAnyWorkerIsTheSeedsUnhealthyBody() {
        // Test classes share this app: a fake worker another class closed may still be leaving.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        given().get("/health").jsonPath().getList("instances").isEmpty());
        given().get("/health")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .header("content-length", "72")
                .body(equalTo("{\"instances\":[],\"message\":\"No endpoints available\",\"status\":\"unhealthy\"}"));
    }

    @Test
    void healthWithInstancesIsTheSeedsHealthyBody() {
        InstanceId id = InstanceId.fromHex("694d98147d54be25");
        instances.replace(
                List.of(instance("load_metrics", id), instance("generate", id), instance("clear_kv_blocks", id)));
        models.replace(
                List.of(new ModelCard("mock-model", new EndpointId("dynamo", "backend", "generate"), id, 1, 1, 1)));
        // The seed's body: only the endpoint that serves a model is in endpoints; every instance is listed.
        String expected = "{\"endpoints\":[\"dyn://dynamo.backend.generate\"],\"instances\":["
                + seedInstance("clear_kv_blocks") + "," + seedInstance("generate") + "," + seedInstance("load_metrics")
                + "],\"status\":\"healthy\"}";
        given().get("/health")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body(equalTo(expected));
    }

    @Test
    void trailingSlashIsNotTheHealthRoute() {
        given().get("/health/").then().statusCode(404);
    }

    /**
     * With a published status address, as Vigil's workers register: /health must still render the
     * seed's instance shape, without it.
     */
    static Instance instance(String endpoint, InstanceId id) {
        return new Instance(
                "dynamo",
                "backend",
                endpoint,
                id,
                new Transport.Nats("dynamo_backend." + endpoint + "-" + id.hex()),
                "http://10.0.0.5:9090");
    }

    private static String seedInstance(String endpoint) {
        return "{\"component\":\"backend\",\"endpoint\":\"" + endpoint + "\",\"instance_id\":7587888160958627365,"
                + "\"namespace\":\"dynamo\",\"transport\":{\"nats_tcp\":\"dynamo_backend." + endpoint
                + "-694d98147d54be25\"}}";
    }
}
