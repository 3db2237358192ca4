package dev.vigil.frontend.routing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
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

    @Inject
    KnownInstances instances;

    @Inject
    ServedModels models;

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

    /**
     * Found against the native apps (issue 16): a worker ready in milliseconds took a request and was
     * stopped before the once-a-second sampling had seen it, so it was never listed as draining.
     */
    @Test
    void aWorkerThatLeavesWhileServingIsDrainingThoughItWasListedOnlyBriefly() {
        InMemoryDiscovery worker = new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        EndpointId generate = new EndpointId("dynamo", "brief", "generate");
        Instance instance = generate.instance(worker.instanceId());
        ModelCard card = new ModelCard("brief-model", generate, worker.instanceId(), 100, 16, 8);
        try {
            worker.register(instance);
            worker.registerModel(card);
            // Wait for the feed, not for a refresh of the states (that would hide the bug).
            Awaitility.await("the feed has listed it")
                    .atMost(SOON)
                    .until(() -> instances.list().stream().anyMatch(i -> i.id().equals(instance.id()))
                            && models.all().containsKey("brief-model"));
            router.attemptStarted(instance);
            worker.unregisterModel(card);
            worker.unregister(instance);
            awaitState(worker, WorkerStates.State.DRAINING);
            given().get("/v1/instances")
                    .then()
                    .body(
                            "data.find { it.instance_hex == '"
                                    + worker.instanceId().hex() + "' }.worker_state.state",
                            equalTo("draining"));
        } finally {
            router.attemptEnded(instance);
            worker.close();
        }
        awaitState(worker, WorkerStates.State.GONE);
    }

    private void awaitState(InMemoryDiscovery worker, WorkerStates.State state) {
        Awaitility.await(state.wireName()).atMost(SOON).until(() -> {
            WorkerStates.Status status = states.all().get(worker.instanceId());
            return status != null && status.state() == state;
        });
    }
}
