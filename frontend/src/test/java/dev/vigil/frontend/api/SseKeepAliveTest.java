package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.SwitchesProfile;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.RequestPlane;

/**
 * {@code DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS} (issue 15 item 7): a stream that waits for its first
 * token longer than the interval gets SSE comments meanwhile, and the events a client parses are
 * exactly those of a stream without them.
 */
@QuarkusTest
@TestProfile(SwitchesProfile.class)
class SseKeepAliveTest {

    static final int INTERVAL_MS = SwitchesProfile.KEEP_ALIVE_INTERVAL_MS;

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    @Test
    void aSlowFirstTokenIsPrecededByKeepAlives() {
        // The worker answers after five intervals: a prefill longer than a proxy's idle timeout.
        try (FakeWorker worker = FakeWorker.start(
                        plane,
                        "slow-model",
                        null,
                        request -> CompletableFuture.runAsync(
                                () -> {
                                    request.send(WireCodec.encode(new EngineOutput(List.of(7), "hi", null)));
                                    request.send(WireCodec.encode(
                                            new EngineOutput(List.of(8), " there", EngineOutput.STOP)));
                                    request.complete();
                                },
                                CompletableFuture.delayedExecutor(5L * INTERVAL_MS, TimeUnit.MILLISECONDS)))
                .awaitListed(known::list)) {
            String body = given().contentType("application/json")
                    .body("{\"model\":\"slow-model\",\"prompt\":\"x\",\"stream\":true}")
                    .post("/v1/completions")
                    .then()
                    .statusCode(200)
                    .contentType("text/event-stream")
                    .extract()
                    .asString();
            assertTrue(body.startsWith(ClientResponse.KEEP_ALIVE), body);
            List<String> data = body.lines().filter(l -> l.startsWith("data: ")).toList();
            assertTrue(data.get(0).contains("\"text\":\"hi\""), body);
            assertEquals("data: [DONE]", data.get(data.size() - 1));
            // Every line is an event, a blank separator or the comment: nothing a parser would trip on.
            assertEquals(
                    List.of(),
                    body.lines()
                            .filter(l -> !l.isEmpty() && !l.startsWith("data: ") && !l.equals(": keep-alive"))
                            .toList());
            // Comments only while nothing else was written: none between the tokens sent together.
            String afterFirstToken = body.substring(body.indexOf("data: "));
            assertTrue(!afterFirstToken.contains(": keep-alive"), body);
        }
    }

    @Test
    void anUnstreamedRequestGetsNoKeepAlive() {
        try (FakeWorker worker = FakeWorker.start(
                        plane,
                        "slow-unary-model",
                        null,
                        request -> CompletableFuture.runAsync(
                                () -> {
                                    request.send(
                                            WireCodec.encode(new EngineOutput(List.of(7), "hi", EngineOutput.STOP)));
                                    request.complete();
                                },
                                CompletableFuture.delayedExecutor(3L * INTERVAL_MS, TimeUnit.MILLISECONDS)))
                .awaitListed(known::list)) {
            given().contentType("application/json")
                    .body("{\"model\":\"slow-unary-model\",\"prompt\":\"x\"}")
                    .post("/v1/completions")
                    .then()
                    .statusCode(200)
                    .contentType("application/json");
        }
    }
}
