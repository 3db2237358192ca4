package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.StreamError;

/** The worker joins the cluster on its own: serves, turns ready, registers, answers. */
@QuarkusTest
@TestProfile(WorkerLifecycleTest.Joining.class)
class WorkerLifecycleTest {

    public static class Joining implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "dyn.mocker.startup-delay-ms", "0",
                    "dyn.mocker.itl-ms", "0",
                    "dyn.system.use-endpoint-health-status", "[\"generate\"]",
                    "dyn.model-name", "lifecycle-model");
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Discovery discovery;

    @Inject
    RequestPlane plane;

    @Test
    void servesThenReportsReadyThenRegistersAndAnswers() throws Exception {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/health").statusCode() == 200);
        assertEquals(
                Map.of("clear_kv_blocks", "ready", "generate", "ready", "load_metrics", "ready"),
                JsonPath.from(given().get("/health").asString()).getMap("endpoints"));

        EndpointId generate = new EndpointId("dynamo", "backend", "generate");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> discovery.instances().stream()
                .anyMatch(i -> i.endpointId().equals(generate) && i.id().equals(discovery.instanceId())));
        Instance instance = discovery.instances().stream()
                .filter(i -> i.endpointId().equals(generate))
                .findFirst()
                .orElseThrow();
        assertEquals(generate.subject(discovery.instanceId()), instance.address());
        // Published so frontends can probe it: this status server, at the port it really listens on.
        String statusUrl = instance.statusServer().orElseThrow();
        assertTrue(statusUrl.endsWith(":" + io.restassured.RestAssured.port), statusUrl);
        assertEquals(200, given().baseUri(statusUrl).port(-1).get("/health").statusCode());
        assertTrue(discovery.models().stream()
                .anyMatch(m ->
                        m.equals(new ModelCard("lifecycle-model", generate, discovery.instanceId(), 16384, 16, 256))));

        GenerateRequest request = new GenerateRequest(
                "lifecycle-model",
                Tokenizer.cl100k().encode("Hello there"),
                new StopConditions(5, null, null, true),
                null);
        List<EngineOutput> outputs = call(instance.address(), JSON.writeValueAsBytes(request)).stream()
                .map(b -> read(b, EngineOutput.class))
                .toList();
        assertEquals(5, outputs.size());
        assertEquals(EngineOutput.LENGTH, outputs.get(4).finishReason());

        Instance load = new EndpointId("dynamo", "backend", "load_metrics").instance(discovery.instanceId());
        LoadMetrics metrics = read(call(load.address(), new byte[0]).get(0), LoadMetrics.class);
        assertEquals(discovery.instanceId().value(), metrics.workerId());
        assertEquals(16384, metrics.kvTotalBlocks());

        Instance clear = new EndpointId("dynamo", "backend", "clear_kv_blocks").instance(discovery.instanceId());
        String cleared = new String(call(clear.address(), new byte[0]).get(0), StandardCharsets.UTF_8);
        assertTrue(cleared.startsWith("{\"cleared_blocks\":"), cleared);
    }

    private List<byte[]> call(String subject, byte[] payload) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        CompletableFuture<List<byte[]>> done = new CompletableFuture<>();
        plane.call(subject, "test-" + System.nanoTime(), payload, new ResponseObserver() {
            @Override
            public void onData(byte[] data) {
                frames.add(data);
            }

            @Override
            public void onComplete() {
                done.complete(frames);
            }

            @Override
            public void onError(StreamError error) {
                done.completeExceptionally(new AssertionError(error.toString()));
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
