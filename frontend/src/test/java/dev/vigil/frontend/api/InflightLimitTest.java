package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RequestPlane;

/**
 * {@code DYN_HTTP_MAX_INFLIGHT_REQUESTS}: past the limit a completion is refused at once with the
 * overload status, {@code Retry-After} and the OpenAI error JSON, and counted; a slot is given back
 * however the request ends: answered, or its client gone mid-stream.
 */
@QuarkusTest
@TestProfile(InflightLimitTest.Limit.class)
@Timeout(120)
class InflightLimitTest {

    static final int LIMIT = 2;

    public static class Limit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dyn.http.max-inflight-requests", String.valueOf(LIMIT));
        }
    }

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    private static final String STREAM = "{\"model\":\"held-model\",\"prompt\":\"x\",\"stream\":true}";

    @Test
    void pastTheLimitARequestIsRefusedAtOnceAndEverySlotComesBack() throws Exception {
        BlockingQueue<IncomingRequest> held = new LinkedBlockingQueue<>();
        try (FakeWorker worker =
                FakeWorker.start(plane, "held-model", null, held::add).awaitListed(known::list)) {
            // Two clients whose streams the worker holds open: one will be answered, one will leave.
            Socket answered = open();
            Socket leaving = open();
            IncomingRequest first = held.poll(30, TimeUnit.SECONDS);
            IncomingRequest second = held.poll(30, TimeUnit.SECONDS);
            assertEquals(
                    2, List.of(first, second).stream().filter(r -> r != null).count());

            given().contentType("application/json")
                    .body(STREAM)
                    .post("/v1/completions")
                    .then()
                    .statusCode(503)
                    .contentType("application/json")
                    .header("retry-after", "1")
                    .body("code", equalTo(503))
                    .body("message", containsString(EnvNames.DYN_HTTP_MAX_INFLIGHT_REQUESTS));
            given().get("/metrics").then().body(containsString("vigil_frontend_inflight_limit_rejected_total 1.0"));

            // One answered, one client gone: both slots come back, so two requests fit again.
            first.send(WireCodec.encode(new EngineOutput(List.of(7), "hi", EngineOutput.STOP)));
            first.complete();
            leaving.close();
            answered.close();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Socket probe = open();
                Socket next = open();
                try {
                    // Both reached the worker: neither was refused.
                    IncomingRequest a = held.poll(5, TimeUnit.SECONDS);
                    IncomingRequest b = held.poll(5, TimeUnit.SECONDS);
                    assertEquals(
                            2,
                            List.of(a == null ? "" : "a", b == null ? "" : "b").stream()
                                    .filter(s -> !s.isEmpty())
                                    .count());
                } finally {
                    probe.close();
                    next.close();
                }
            });
        }
    }

    /** A streaming completion on a raw socket, left open: the stream stays in flight until closed. */
    private Socket open() throws Exception {
        Socket socket = new Socket("127.0.0.1", io.restassured.RestAssured.port);
        byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }
}
