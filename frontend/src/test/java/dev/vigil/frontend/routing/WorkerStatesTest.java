package dev.vigil.frontend.routing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.ModelCard;

/**
 * Issue 15 §10: one state per worker process, fused from discovery, request outcomes and drain,
 * in {@code /v1/instances}, the table and {@code vigil_frontend_worker_state}.
 */
@QuarkusTest
class WorkerStatesTest {

    static final Duration SOON = Duration.ofSeconds(5);

    @Inject
    WorkerStates states;

    @Inject
    Router router;

    @Test
    void aWorkerGoesFromJoiningToReadyToInhibitedToDrainingToGone() {
        InMemoryDiscovery worker = new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        EndpointId generate = new EndpointId("dynamo", "states", "generate");
        Instance instance = generate.instance(worker.instanceId());
        String hex = worker.instanceId().hex();
        try {
            worker.register(instance);
            awaitState(worker, WorkerStates.State.JOINING);
            ModelCard card = new ModelCard("states-model", generate, worker.instanceId(), 100, 16, 8);
            worker.registerModel(card);
            awaitState(worker, WorkerStates.State.READY);

            router.reportDown(instance, "CannotConnect: test");
            awaitState(worker, WorkerStates.State.INHIBITED);
            given().get("/v1/instances")
                    .then()
                    .body("data.find { it.instance_hex == '" + hex + "' }.worker_state.state", equalTo("inhibited"));
            String metrics = given().get("/metrics").asString();
            assertTrue(
                    metrics.lines()
                            .anyMatch(l -> l.startsWith("vigil_frontend_worker_state{")
                                    && l.contains("worker_id=\"" + hex + "\"")
                                    && l.contains("state=\"inhibited\"")
                                    && l.endsWith(" 1.0")),
                    metrics);
            String table = given().get("/v1/instances?format=table").asString();
            assertTrue(table.lines().anyMatch(l -> l.startsWith(hex) && l.endsWith("inhibited")), table);

            // A worker shutting down takes its model out of discovery first.
            worker.unregisterModel(card);
            awaitState(worker, WorkerStates.State.DRAINING);
        } finally {
            worker.close();
        }
        Awaitility.await()
                .atMost(SOON)
                .until(() -> states.all().get(instance.id()).state() == WorkerStates.State.GONE);
    }

    private void awaitState(InMemoryDiscovery worker, WorkerStates.State state) {
        Awaitility.await(state.wireName()).atMost(SOON).until(() -> {
            WorkerStates.Status status = states.all().get(worker.instanceId());
            return status != null && status.state() == state;
        });
    }
}
