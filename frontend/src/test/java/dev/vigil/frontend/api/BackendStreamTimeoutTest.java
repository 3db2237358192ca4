package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.metrics.FrontendMetrics;
import dev.vigil.frontend.metrics.ThrowingFrontendMetrics;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;

/**
 * {@code DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS} (issue 15 item 2): a stream that goes silent while its
 * transport stays up is ended as a migratable error, the stuck attempt is killed, and the client gets
 * one stream with every token.
 */
@QuarkusTest
@TestProfile(BackendStreamTimeoutTest.OneSecond.class)
class BackendStreamTimeoutTest {

    public static class OneSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dyn.http.backend-stream-timeout-secs", "1", "dyn.migration.limit", "3");
        }
    }

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    @Inject
    MeterRegistry registry;

    /** The first attempt sends "Hello" and then nothing, with its stream left open; later ones finish. */
    static final class StuckOnce implements RequestHandler {
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicReference<IncomingRequest> stuck = new AtomicReference<>();

        @Override
        public void handle(IncomingRequest request) {
            if (attempts.incrementAndGet() == 1) {
                stuck.set(request);
                request.send(WireCodec.encode(new EngineOutput(List.of(1), "Hello", null)));
                return;
            }
            request.send(WireCodec.encode(new EngineOutput(List.of(2), " world", EngineOutput.LENGTH)));
            request.complete();
        }
    }

    @Test
    void aSilentStreamMigratesAndTheStuckAttemptIsKilled() {
        StuckOnce handler = new StuckOnce();
        try (FakeWorker a = FakeWorker.start(plane, "stuck-model", null, handler);
                FakeWorker b = FakeWorker.start(plane, "stuck-model", null, handler)) {
            a.awaitListed(known::list);
            b.awaitListed(known::list);
            String body = given().contentType("application/json")
                    .body("{\"model\":\"stuck-model\",\"prompt\":\"x\",\"max_tokens\":2,\"stream\":true}")
                    .post("/v1/completions")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertTrue(!body.contains("event: error"), body);
            assertTrue(body.contains("\"text\":\"Hello\""), body);
            assertTrue(body.contains("\"text\":\" world\""), body);
            assertTrue(body.endsWith("data: [DONE]\n\n"), body);
            assertEquals(2, handler.attempts.get());
            // The worker that went silent is told to stop, so its engine frees the request.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> handler.stuck.get().killed());
        }
    }

    /**
     * The first attempt says "Hello" and goes silent; the second sends " world" and stays open. Its
     * first token reaches a metric that throws: a fault of the frontend's, not of either worker.
     */
    static final class MigratesIntoAFault implements RequestHandler {
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicReference<IncomingRequest> second = new AtomicReference<>();

        @Override
        public void handle(IncomingRequest request) {
            if (attempts.incrementAndGet() == 1) {
                request.send(WireCodec.encode(new EngineOutput(List.of(1), "Hello", null)));
                return;
            }
            second.set(request);
            request.send(WireCodec.encode(new EngineOutput(List.of(2), " world", null)));
        }
    }

    @Test
    void aCallbackThatThrowsEndsTheRequestAndKillsTheWorkersStream() {
        QuarkusMock.installMockForType(new ThrowingFrontendMetrics(registry), FrontendMetrics.class);
        MigratesIntoAFault handler = new MigratesIntoAFault();
        try (FakeWorker a = FakeWorker.start(plane, "fault-model", null, handler);
                FakeWorker b = FakeWorker.start(plane, "fault-model", null, handler)) {
            a.awaitListed(known::list);
            b.awaitListed(known::list);
            // Before the guard, the exception was logged by the plane and the client waited forever.
            String body = given().config(RestAssuredConfig.config()
                            .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 20_000)))
                    .contentType("application/json")
                    .body("{\"model\":\"fault-model\",\"prompt\":\"x\",\"stream\":true}")
                    .post("/v1/completions")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertTrue(body.contains("\"text\":\"Hello\""), body);
            assertTrue(body.contains("event: error"), body);
            assertTrue(body.contains("Internal error"), body);
            assertTrue(body.contains(ThrowingFrontendMetrics.FAULT), body);
            assertEquals(2, handler.attempts.get());
            // The worker whose stream it was is told to stop, so its engine frees the request.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> handler.second.get().killed());
        }
    }
}
