package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.testing.PrometheusText;

/**
 * Dynamo's work-handler metrics per endpoint on the worker's {@code /metrics}: present at 0 for all
 * three endpoints, then moved by real requests over the request plane; the whole page read with a
 * strict text-format parser.
 */
@QuarkusTest
@TestProfile(WorkerLifecycleTest.Joining.class)
class EndpointMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Discovery discovery;

    @Inject
    RequestPlane plane;

    static PrometheusText scrape() {
        return PrometheusText.parse(
                given().get("/metrics").then().statusCode(200).extract().asString());
    }

    static Map<String, String> endpoint(String name) {
        return Map.of("dynamo_namespace", "dynamo", "dynamo_component", "backend", "dynamo_endpoint", name);
    }

    static double value(PrometheusText metrics, String name, Map<String, String> labels) {
        return metrics.value(name, labels).orElseThrow(() -> new AssertionError("no series " + name + labels));
    }

    @Test
    void everyEndpointCountsItsRequestsErrorsBytesAndDurations() throws Exception {
        PrometheusText before = scrape();
        for (String name : new String[] {"generate", "clear_kv_blocks", "load_metrics"}) {
            value(before, "dynamo_component_requests_total", endpoint(name));
            value(before, "dynamo_component_inflight_requests", endpoint(name));
            value(before, "dynamo_component_request_bytes_total", endpoint(name));
            value(before, "dynamo_component_response_bytes_total", endpoint(name));
            value(before, "dynamo_component_request_duration_seconds_count", endpoint(name));
            for (String type : new String[] {"deserialization", "generate"}) {
                Map<String, String> labels = new java.util.HashMap<>(endpoint(name));
                labels.put("error_type", type);
                value(before, "dynamo_component_errors_total", labels);
            }
        }
        assertEquals(
                "histogram",
                before.families()
                        .get("dynamo_component_request_duration_seconds")
                        .type());

        EndpointId generate = new EndpointId("dynamo", "backend", "generate");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> discovery.instances().stream()
                .anyMatch(i -> i.endpointId().equals(generate) && i.id().equals(discovery.instanceId())));
        String subject = generate.subject(discovery.instanceId());
        byte[] request = JSON.writeValueAsBytes(new GenerateRequest(
                "lifecycle-model", Tokenizer.cl100k().encode("Hello"), new StopConditions(4, null, null, true), null));
        assertEquals("complete", call(subject, request));
        assertEquals("error", call(subject, "not json".getBytes()));

        PrometheusText after = scrape();
        Map<String, String> labels = endpoint("generate");
        assertEquals(2.0, delta(before, after, "dynamo_component_requests_total", labels));
        assertEquals(2.0, delta(before, after, "dynamo_component_request_duration_seconds_count", labels));
        assertEquals(
                request.length + "not json".length(),
                delta(before, after, "dynamo_component_request_bytes_total", labels));
        assertTrue(delta(before, after, "dynamo_component_response_bytes_total", labels) > 0);
        Map<String, String> deserialization = new java.util.HashMap<>(labels);
        deserialization.put("error_type", "deserialization");
        assertEquals(1.0, delta(before, after, "dynamo_component_errors_total", deserialization));
        assertEquals(0.0, value(after, "dynamo_component_inflight_requests", labels));
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** Sends one request and says how its stream ended. */
    private String call(String subject, byte[] payload) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        plane.call(subject, "metrics-" + System.nanoTime(), payload, new ResponseObserver() {
            @Override
            public void onData(byte[] data) {}

            @Override
            public void onComplete() {
                done.complete("complete");
            }

            @Override
            public void onError(StreamError error) {
                done.complete("error");
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }
}
