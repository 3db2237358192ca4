package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.RequestPlane;

/**
 * The OpenAI API against an in-process fake worker: it registers in the in-memory discovery the
 * frontend watches and serves its generate subject on the local request plane, answering each
 * request with one token per word of "alpha beta gamma …".
 */
@QuarkusTest
class OpenAiApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> WORDS = List.of(" alpha", " beta", " gamma", " delta", " epsilon");

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    FakeWorker worker;
    final List<GenerateRequest> received = new CopyOnWriteArrayList<>();
    final List<Control> controls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startFakeWorker() {
        worker = FakeWorker.start(plane, "fake-model", null, request -> {
                    try {
                        GenerateRequest body = JSON.readValue(request.payload(), GenerateRequest.class);
                        received.add(body);
                        request.onControl(controls::add);
                        int max = body.stopConditions().maxTokens() == null
                                ? 3
                                : body.stopConditions().maxTokens();
                        if (max > 1000) {
                            return; // never answers: the client will go away
                        }
                        for (int i = 0; i < max; i++) {
                            String reason = i == max - 1 ? EngineOutput.LENGTH : null;
                            request.send(JSON.writeValueAsBytes(
                                    new EngineOutput(List.of(100 + i), WORDS.get(i % 5), reason)));
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

    static String chat(String model, int maxTokens, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":"
                + maxTokens + ",\"stream\":" + stream + "}";
    }

    @Test
    void modelsListsRegisteredModels() {
        given().get("/v1/models")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem("fake-model"))
                .body("data[0].object", equalTo("model"));
    }

    @Test
    void unaryChatCompletionWithUsage() {
        JsonPath body = JsonPath.from(given().contentType("application/json")
                .body(chat("fake-model", 3, false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .asString());
        assertEquals("chat.completion", body.getString("object"));
        assertEquals("fake-model", body.getString("model"));
        assertEquals("assistant", body.getString("choices[0].message.role"));
        assertEquals(" alpha beta gamma", body.getString("choices[0].message.content"));
        assertEquals("length", body.getString("choices[0].finish_reason"));
        assertEquals(3, body.getInt("usage.completion_tokens"));
        int promptTokens = body.getInt("usage.prompt_tokens");
        assertEquals(promptTokens + 3, body.getInt("usage.total_tokens"));
        GenerateRequest sent = received.get(received.size() - 1);
        assertEquals(promptTokens, sent.tokenIds().size(), "the prompt travels as token ids");
        assertEquals(3, sent.stopConditions().maxTokens());
    }

    @Test
    void streamingChatCompletionEndsWithDone() {
        String sse = given().contentType("application/json")
                .body(chat("fake-model", 4, true))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .contentType(containsString("text/event-stream"))
                .extract()
                .asString();
        List<String> events = new ArrayList<>(List.of(sse.split("\n\n")));
        assertEquals("data: [DONE]", events.get(events.size() - 1));
        JsonPath first = JsonPath.from(events.get(0).substring(6));
        assertEquals("chat.completion.chunk", first.getString("object"));
        assertEquals("assistant", first.getString("choices[0].delta.role"));
        StringBuilder content = new StringBuilder();
        String reason = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonPath chunk = JsonPath.from(event.substring(6));
            String piece = chunk.getString("choices[0].delta.content");
            content.append(piece == null ? "" : piece);
            reason = chunk.getString("choices[0].finish_reason") == null
                    ? reason
                    : chunk.getString("choices[0].finish_reason");
        }
        assertEquals(" alpha beta gamma delta", content.toString());
        assertEquals("length", reason);
    }

    @Test
    void completionsEndpoint() {
        given().contentType("application/json")
                .body("{\"model\":\"fake-model\",\"prompt\":\"Say\",\"max_tokens\":2}")
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("text_completion"))
                .body("choices[0].text", equalTo(" alpha beta"))
                .body("usage.completion_tokens", equalTo(2));
    }

    @Test
    void unknownModelIs404() {
        given().contentType("application/json")
                .body(chat("nope", 1, false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(404)
                .contentType("application/json")
                .body("message", equalTo("Model not found: nope"))
                .body("type", equalTo("Not Found"))
                .body("code", equalTo(404));
    }

    @Test
    void knownModelWithoutLiveInstanceIs503() {
        InMemoryDiscovery ghost = new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        try {
            ghost.registerModel(new ModelCard(
                    "ghost-model", new EndpointId("dynamo", "backend", "generate"), ghost.instanceId(), 100, 16, 8));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> given().contentType("application/json")
                                    .body(chat("ghost-model", 1, false))
                                    .post("/v1/chat/completions")
                                    .statusCode()
                            == 503);
            given().contentType("application/json")
                    .body(chat("ghost-model", 1, false))
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(503)
                    .body("type", equalTo("Service Unavailable"))
                    .body("code", equalTo(503));
        } finally {
            ghost.close();
        }
    }

    @Test
    void malformedJsonIs400() {
        given().contentType("application/json")
                .body("{\"model\":")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("type", equalTo("Bad Request"))
                .body("message", containsString("Invalid JSON"));
        given().contentType("application/json")
                .body("")
                .post("/v1/completions")
                .then()
                .statusCode(400);
    }

    @Test
    void clientDisconnectKillsTheRequestOnTheWorker() throws Exception {
        int port = io.restassured.RestAssured.port;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            byte[] body = chat("fake-model", 5000, true).getBytes(StandardCharsets.UTF_8);
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.stream()
                    .anyMatch(r -> r.stopConditions().maxTokens() == 5000));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> controls.contains(Control.KILL));
        assertTrue(controls.contains(Control.KILL));
    }
}
