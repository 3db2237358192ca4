package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;

/**
 * The request deadline in process: a worker that sends one token and then nothing is told to drop
 * the request at the deadline, the client gets 504 JSON before any token was sent, an SSE error
 * event after, and the request is never sent to the other worker, though migration is on.
 */
@QuarkusTest
@TestProfile(RequestDeadlineApiTest.DefaultOneSecond.class)
class RequestDeadlineApiTest {

    public static class DefaultOneSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dyn.http.request-timeout-secs", "1", "dyn.migration.limit", "3");
        }
    }

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    /** Streams "Hello" and then nothing, its stream left open. */
    static final class Stuck implements RequestHandler {
        final List<IncomingRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public void handle(IncomingRequest request) {
            requests.add(request);
            request.send(WireCodec.encode(new EngineOutput(List.of(1), "Hello", null)));
        }
    }

    private void withStuckWorkers(Stuck handler, Runnable test) {
        try (FakeWorker a = FakeWorker.start(plane, "slow-model", null, handler);
                FakeWorker b = FakeWorker.start(plane, "slow-model", null, handler)) {
            a.awaitListed(known::list);
            b.awaitListed(known::list);
            test.run();
        }
    }

    private static void awaitKilledAndNotMigrated(Stuck handler) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        handler.requests.size() == 1 && handler.requests.get(0).killed());
        assertEquals(1, handler.requests.size(), "never sent to the other worker");
    }

    @Test
    void aStreamPastItsHeaderDeadlineEndsWithAnSseErrorAndIsKilledAtTheWorker() {
        Stuck handler = new Stuck();
        withStuckWorkers(handler, () -> {
            String body = given().contentType("application/json")
                    .header("x-request-timeout", "0.3")
                    .body("{\"model\":\"slow-model\",\"prompt\":\"x\",\"max_tokens\":5,\"stream\":true}")
                    .post("/v1/completions")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertTrue(body.contains("\"text\":\"Hello\""), body);
            assertTrue(body.contains("event: error\ndata: "), body);
            assertTrue(body.contains("\"code\":504"), body);
            assertTrue(!body.contains("[DONE]"), body);
            awaitKilledAndNotMigrated(handler);
        });
    }

    @Test
    void anUnaryRequestPastTheDefaultDeadlineGets504Json() {
        Stuck handler = new Stuck();
        withStuckWorkers(handler, () -> {
            JsonPath error = given().contentType("application/json")
                    .body("{\"model\":\"slow-model\",\"prompt\":\"x\",\"max_tokens\":5}")
                    .post("/v1/completions")
                    .then()
                    .statusCode(504)
                    .contentType("application/json")
                    .extract()
                    .jsonPath();
            assertEquals(504, error.getInt("code"));
            assertEquals("Gateway Timeout", error.getString("type"));
            awaitKilledAndNotMigrated(handler);
        });
    }

    @Test
    void aBodyDeadlineShorterThanTheHeaderWins() {
        Stuck handler = new Stuck();
        withStuckWorkers(handler, () -> {
            long started = System.nanoTime();
            given().contentType("application/json")
                    .header("x-request-timeout", "60")
                    .body("{\"model\":\"slow-model\",\"prompt\":\"x\",\"max_tokens\":5,\"nvext\":{\"timeout_ms\":200}}")
                    .post("/v1/completions")
                    .then()
                    .statusCode(504);
            // Generous: the header's 60 s (or the default's 1 s) would be far longer.
            assertTrue((System.nanoTime() - started) / 1_000_000 < 30_000);
            awaitKilledAndNotMigrated(handler);
        });
    }

    @Test
    void aBadHeaderIs400() {
        JsonPath error = given().contentType("application/json")
                .header("x-request-timeout", "-2")
                .body("{\"model\":\"slow-model\",\"prompt\":\"x\",\"max_tokens\":5}")
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .extract()
                .jsonPath();
        assertTrue(error.getString("message").contains("x-request-timeout"));
    }
}
