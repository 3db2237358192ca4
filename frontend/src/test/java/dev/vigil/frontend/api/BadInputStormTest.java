package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.RequestPlane;

/**
 * A storm of malformed requests, as an outside tester sends them (fixed seed, so a failure repeats):
 * valid bodies with one field set to a value of every JSON type and edge, unknown fields, broken
 * JSON, every content type, method and path. Not one may get a 5xx, and every 4xx carries the JSON
 * error body with its status; valid requests beside them are still served.
 */
@QuarkusTest
@Timeout(180)
class BadInputStormTest {

    private static final int REQUESTS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> FIELDS = List.of(
            "model",
            "messages",
            "prompt",
            "max_tokens",
            "max_completion_tokens",
            "n",
            "stream",
            "stream_options",
            "stop",
            "temperature",
            "top_p",
            "frequency_penalty",
            "presence_penalty",
            "seed",
            "logprobs",
            "top_logprobs",
            "best_of",
            "ignore_eos",
            "user",
            "logit_bias",
            "echo",
            "suffix",
            "tools",
            "tool_choice",
            "response_format",
            "metadata",
            "store",
            "nvext",
            "top_k",
            "min_p",
            "unknown_field",
            "");
    private static final List<String> VALUES = List.of(
            "-1",
            "0",
            "1",
            "2147483647",
            "-2147483649",
            "9223372036854775808",
            "1e308",
            "-0.0",
            "0.5",
            "2.5",
            "\"\"",
            "\"x\"",
            "\"" + "y".repeat(2_000) + "\"",
            "true",
            "false",
            "null",
            "{}",
            "[]",
            "[1,\"a\"]",
            "{\"include_usage\":\"yes\"}",
            "{\"50256\":1000}",
            "[\"\",\"a\"]",
            "[{\"role\":\"user\"}]",
            "[{\"role\":\"wizard\",\"content\":\"x\"}]",
            "[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]}]",
            "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]");
    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "multipart/form-data; boundary=b",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
            "garbage",
            "");
    private static final List<String> PATHS = List.of(
            "/v1/chat/completions",
            "/v1/completions",
            "/v1/models",
            "/v1/models/x",
            "/v1/x",
            "/metrics/x",
            "/health",
            "/live",
            "/busy_threshold");
    private static final List<String> METHODS = List.of("POST", "POST", "POST", "GET", "PUT", "PATCH", "DELETE");

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    private FakeWorker worker;

    @BeforeEach
    void start() {
        worker = FakeWorker.start(plane, "storm-model", null, request -> {
                    request.send(WireCodec.encode(new EngineOutput(List.of(7), "ok", EngineOutput.STOP)));
                    request.complete();
                })
                .awaitListed(known::list);
    }

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void noMalformedRequestGetsA5xxOrAnErrorWithoutTheJsonBody() throws Exception {
        Random random = new Random(26);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI base = URI.create("http://127.0.0.1:" + RestAssured.port);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> broken = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            boolean chat = random.nextBoolean();
            String path =
                    random.nextInt(4) == 0 ? pick(random, PATHS) : chat ? "/v1/chat/completions" : "/v1/completions";
            String method = random.nextInt(4) == 0 ? pick(random, METHODS) : "POST";
            String contentType = random.nextInt(4) == 0 ? pick(random, CONTENT_TYPES) : "application/json";
            byte[] body = body(random, chat).getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(10) == 0) {
                body = corrupt(random, body);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            if (!contentType.isEmpty()) {
                request.header("content-type", contentType);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            statuses.merge(status, 1, Integer::sum);
            String what = method + " " + path + " " + contentType + " " + abbreviated(body) + " -> " + status + " "
                    + abbreviated(response.body().getBytes(StandardCharsets.UTF_8));
            if (status >= 500) {
                broken.add(what);
            } else if (status >= 400 && !jsonError(response, status)) {
                broken.add("no JSON error body: " + what);
            }
        }
        System.out.println("Storm of " + REQUESTS + " requests, by status: " + statuses);
        assertEquals(List.of(), broken.subList(0, Math.min(20, broken.size())), broken.size() + " broken answers");

        // Valid traffic after the storm is served.
        HttpResponse<String> valid = http.send(
                HttpRequest.newBuilder(base.resolve("/v1/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"storm-model\",\"prompt\":\"x\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, valid.statusCode(), valid.body());
    }

    private static boolean jsonError(HttpResponse<String> response, int status) {
        if (!response.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
            return false;
        }
        try {
            JsonNode error = JSON.readTree(response.body());
            // The API's shape, or the status server's ({"error","message"}) where a route is shared.
            return error.path("code").asInt() == status || error.has("error");
        } catch (Exception e) {
            return false;
        }
    }

    /** A valid request of the kind, then one field (maybe unknown) set to an edge value, maybe twice. */
    private static String body(Random random, boolean chat) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode();
        body.put("model", random.nextInt(10) == 0 ? "no-such-model" : "storm-model");
        if (chat) {
            body.set("messages", JSON.readTree("[{\"role\":\"user\",\"content\":\"hello\"}]"));
        } else {
            body.put("prompt", "hello");
        }
        if (random.nextBoolean()) {
            body.put("stream", true);
        }
        int mutations = random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            body.set(pick(random, FIELDS), JSON.readTree(pick(random, VALUES)));
        }
        return body.toString();
    }

    private static byte[] corrupt(Random random, byte[] body) {
        return switch (random.nextInt(5)) {
            case 0 -> java.util.Arrays.copyOf(body, random.nextInt(Math.max(1, body.length)));
            case 1 -> new byte[0];
            case 2 -> "[]".getBytes(StandardCharsets.UTF_8);
            case 3 -> new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'};
            default -> "null".getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String pick(Random random, List<String> items) {
        return items.get(random.nextInt(items.size()));
    }

    private static String abbreviated(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).replace("\n", "\\n");
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
}
