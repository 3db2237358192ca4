package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.testing.PrometheusText;

/**
 * Dynamo's request metrics on {@code /metrics}: every series of a discovered model at 0 before any
 * request, then the values one request leaves, read with a strict text-format parser (the same
 * syntax rules as {@code promtool check metrics}).
 */
@QuarkusTest
class RequestMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** A model only this test serves, so other tests' traffic does not show in its series. */
    static final String MODEL = "metrics-model";

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    FakeWorker worker;

    @BeforeEach
    void startFakeWorker() {
        worker = FakeWorker.start(plane, MODEL, null, request -> {
                    try {
                        GenerateRequest body = JSON.readValue(request.payload(), GenerateRequest.class);
                        int max = body.stopConditions().maxTokens();
                        for (int i = 0; i < max; i++) {
                            request.send(JSON.writeValueAsBytes(new EngineOutput(
                                    List.of(100 + i), " w" + i, i == max - 1 ? EngineOutput.LENGTH : null)));
                        }
                        request.complete();
                    } catch (Exception e) {
                        request.fail(e.toString());
                    }
                })
                .awaitListed(known::list);
    }

    @AfterEach
    void stopFakeWorker() {
        worker.close();
    }

    static PrometheusText scrape() {
        return PrometheusText.parse(
                given().get("/metrics").then().statusCode(200).extract().asString());
    }

    static Map<String, String> labels(String... keysAndValues) {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            labels.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return labels;
    }

    static Map<String, String> requests(String model, String endpoint, String type, String status, String error) {
        return labels(
                "model", model, "endpoint", endpoint, "request_type", type, "status", status, "error_type", error);
    }

    static double value(PrometheusText metrics, String name, Map<String, String> labels) {
        return metrics.value(name, labels).orElseThrow(() -> new AssertionError("no series " + name + labels));
    }

    static String chat(String model, String content, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"max_tokens\":" + maxTokens + "}";
    }

    @Test
    void plainCurlGetsTheTextFormatThatPromtoolReads() {
        given().get("/metrics")
                .then()
                .statusCode(200)
                .header("content-type", "text/plain; version=0.0.4; charset=utf-8");
        given().header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .get("/metrics")
                .then()
                .statusCode(200)
                .header("content-type", org.hamcrest.Matchers.startsWith("application/openmetrics-text"));
    }

    @Test
    void everySeriesOfADiscoveredModelStartsAtZero() {
        // Series are never removed and test order is not fixed: the one series another test here
        // moves is left out.
        PrometheusText metrics = scrape();
        for (String endpoint : List.of("chat_completions", "completions")) {
            for (String type : List.of("stream", "unary")) {
                for (String error : List.of("validation", "overload", "unavailable", "cancelled", "internal")) {
                    if (!(endpoint.equals("completions") && type.equals("unary") && error.equals("validation"))) {
                        assertEquals(
                                0.0,
                                value(
                                        metrics,
                                        "dynamo_frontend_requests_total",
                                        requests(MODEL, endpoint, type, "error", error)));
                    }
                }
            }
        }
        assertEquals(
                0.0,
                value(
                        metrics,
                        "dynamo_frontend_requests_total",
                        requests(MODEL, "completions", "stream", "success", "")));
        assertEquals(0.0, value(metrics, "dynamo_frontend_inflight_requests", labels("model", MODEL)));
        assertEquals(0.0, value(metrics, "dynamo_frontend_queued_requests", labels("model", MODEL)));
        assertEquals(1.0, value(metrics, "dynamo_frontend_model_ready", labels("model", MODEL)));
        assertEquals(
                "counter",
                metrics.families().get("dynamo_frontend_requests_total").type());
        assertEquals(
                "histogram",
                metrics.families()
                        .get("dynamo_frontend_time_to_first_token_seconds")
                        .type());
    }

    @Test
    void histogramsHaveDynamosBucketsButZero() {
        PrometheusText metrics = scrape();
        assertEquals(
                List.of("2.0", "4.0", "8.0", "16.0", "32.0", "64.0", "130.0", "260.0", "510.0", "+Inf"),
                bounds(metrics, "dynamo_frontend_request_duration_seconds_bucket"));
        assertEquals(
                List.of(
                        "0.0022", "0.0047", "0.01", "0.022", "0.047", "0.1", "0.22", "0.47", "1.0", "2.2", "4.7",
                        "10.0", "22.0", "48.0", "100.0", "220.0", "480.0", "+Inf"),
                bounds(metrics, "dynamo_frontend_time_to_first_token_seconds_bucket"));
        assertEquals(
                List.of(
                        "0.0019", "0.0035", "0.0067", "0.013", "0.024", "0.045", "0.084", "0.16", "0.3", "0.56", "1.1",
                        "2.0", "+Inf"),
                bounds(metrics, "dynamo_frontend_inter_token_latency_seconds_bucket"));
        assertEquals(
                List.of("100.0", "210.0", "430.0", "880.0", "1800.0", "3700.0", "7600.0", "16000.0", "32000.0", "+Inf"),
                bounds(metrics, "dynamo_frontend_output_sequence_tokens_bucket"));
    }

    private static List<String> bounds(PrometheusText metrics, String bucket) {
        return metrics.samples(bucket).stream()
                .filter(s -> MODEL.equals(s.labels().get("model")))
                .map(s -> s.labels().get("le"))
                .toList();
    }

    @Test
    void oneRequestLeavesItsMarkOnEverySeries() {
        PrometheusText before = scrape();
        given().contentType("application/json")
                .body(chat(MODEL, "Hi", 3))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        given().contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"prompt\":\"\",\"max_tokens\":3}")
                .post("/v1/completions")
                .then()
                .statusCode(400);
        given().contentType("application/json")
                .body(chat("nobody-serves-this", "Hi", 3))
                .post("/v1/chat/completions")
                .then()
                .statusCode(404);
        PrometheusText after = scrape();

        Map<String, String> model = labels("model", MODEL);
        Map<String, String> success = requests(MODEL, "chat_completions", "unary", "success", "");
        assertEquals(
                1.0,
                value(after, "dynamo_frontend_requests_total", success)
                        - value(before, "dynamo_frontend_requests_total", success));
        Map<String, String> invalid = requests(MODEL, "completions", "unary", "error", "validation");
        assertEquals(
                1.0,
                value(after, "dynamo_frontend_requests_total", invalid)
                        - value(before, "dynamo_frontend_requests_total", invalid));
        // The client's model name is not a label value: unknown models share the empty one.
        assertTrue(after.value(
                                "dynamo_frontend_requests_total",
                                requests("", "chat_completions", "unary", "error", "not_found"))
                        .orElseThrow()
                >= 1.0);
        assertTrue(after.samples("dynamo_frontend_requests_total").stream()
                .noneMatch(s -> "nobody-serves-this".equals(s.labels().get("model"))));

        assertEquals(1.0, delta(before, after, "dynamo_frontend_time_to_first_token_seconds_count", model));
        assertEquals(2.0, delta(before, after, "dynamo_frontend_inter_token_latency_seconds_count", model));
        assertEquals(1.0, delta(before, after, "dynamo_frontend_input_sequence_tokens_count", model));
        assertTrue(delta(before, after, "dynamo_frontend_input_sequence_tokens_sum", model) > 0);
        assertEquals(1.0, delta(before, after, "dynamo_frontend_output_sequence_tokens_count", model));
        assertEquals(3.0, delta(before, after, "dynamo_frontend_output_sequence_tokens_sum", model));
        assertEquals(3.0, delta(before, after, "dynamo_frontend_output_tokens_total", model));
        // Both the success and the 400 took time; the 400 never reached a worker.
        assertEquals(2.0, delta(before, after, "dynamo_frontend_request_duration_seconds_count", model));
        assertEquals(0.0, value(after, "dynamo_frontend_inflight_requests", model));
        assertEquals(0.0, value(after, "dynamo_frontend_queued_requests", model));
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
