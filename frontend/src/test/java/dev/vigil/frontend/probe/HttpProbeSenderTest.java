package dev.vigil.frontend.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.vertx.core.Vertx;

import dev.vigil.testing.FakeHttpServer;
import dev.vigil.testing.FakeHttpServer.Answer;

/** One probe execution against a real HTTP server: what counts as success, and what is sent. */
class HttpProbeSenderTest {

    static Vertx vertx;
    FakeHttpServer server;
    HttpProbeSender sender;
    final Map<String, String> environment = new HashMap<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void start() throws IOException {
        server = FakeHttpServer.start().otherwise(Answer.json(200, "{}"));
        sender = new HttpProbeSender(vertx, name -> Optional.ofNullable(environment.get(name)));
    }

    @AfterEach
    void stop() {
        sender.close();
        server.close();
    }

    static Probe get(String url, Duration timeout) {
        return new Probe(1, url, Probe.Method.GET, List.of(), null, timeout, Duration.ofSeconds(1), 1, false, null);
    }

    ProbeOutcome send(String base, Probe probe) throws Exception {
        return sender.send(base, probe)
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 299})
    void every2xxIsASuccess(int status) throws Exception {
        server.otherwise(Answer.json(status, "{}"));
        ProbeOutcome outcome = send(server.url(), get("/health", Duration.ofSeconds(5)));
        assertEquals(ProbeOutcome.Result.SUCCESS, outcome.result());
        assertEquals(status, outcome.status());
        assertNull(outcome.detail());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 404, 500, 503})
    void fourAndFiveHundredsFail(int status) throws Exception {
        server.otherwise(Answer.json(status, "{}"));
        ProbeOutcome outcome = send(server.url(), get("/health", Duration.ofSeconds(5)));
        assertEquals(ProbeOutcome.Result.HTTP_STATUS, outcome.result());
        assertEquals(status, outcome.status());
        assertEquals("HTTP " + status, outcome.detail());
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 308})
    void redirectsAreNotFollowedAndFail(int status) throws Exception {
        server.otherwise(Answer.json(status, "{}").header("Location", server.url() + "/elsewhere"));
        ProbeOutcome outcome = send(server.url(), get("/health", Duration.ofSeconds(5)));
        assertEquals(ProbeOutcome.Result.HTTP_STATUS, outcome.result());
        assertEquals(status, outcome.status());
        assertEquals(0, server.hits("/elsewhere"), "the redirect must not be followed");
    }

    @Test
    void noAnswerWithinTheTimeoutFails() throws Exception {
        Duration delay = Duration.ofSeconds(3);
        server.otherwise(Answer.json(200, "{}").delayed(delay));
        Duration timeout = Duration.ofMillis(300);
        ProbeOutcome outcome = send(server.url(), get("/health", timeout));
        assertEquals(ProbeOutcome.Result.TIMEOUT, outcome.result());
        assertEquals(0, outcome.status());
        assertTrue(outcome.latency().compareTo(timeout) >= 0, "ends at the timeout, not before: " + outcome);
        assertTrue(outcome.latency().compareTo(delay) < 0, "does not wait for the answer: " + outcome);
    }

    @Test
    void aRefusedConnectionFails() throws Exception {
        ProbeOutcome outcome = send("http://127.0.0.1:" + closedPort(), get("/health", Duration.ofSeconds(5)));
        assertEquals(ProbeOutcome.Result.CONNECT_ERROR, outcome.result());
        assertTrue(outcome.detail().toLowerCase().contains("refused"), outcome.detail());
    }

    static int closedPort() throws IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void methodHeadersAndBodyAreSentWithEnvironmentResolvedAtEachSend() throws Exception {
        Probe probe = new Probe(
                1,
                "/v1/chat/completions?key=${{ env.QUERY }}",
                Probe.Method.POST,
                List.of(
                        new Probe.Header("Authorization", "Bearer ${{ env.PROBE_KEY }}"),
                        new Probe.Header("X-Price", "$$5")),
                "{\"model\":\"${{ env.MODEL }}\"}",
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                1,
                false,
                null);
        environment.putAll(Map.of("QUERY", "q1", "PROBE_KEY", "first", "MODEL", "mock-model"));
        assertTrue(send(server.url(), probe).success());
        environment.put("PROBE_KEY", "rotated");
        assertTrue(send(server.url(), probe).success());

        FakeHttpServer.Request first = server.requests().get(0);
        assertEquals("POST", first.method());
        assertEquals("/v1/chat/completions?key=q1", first.uri());
        assertEquals(List.of("Bearer first"), first.headers().get("Authorization"));
        assertEquals(List.of("$5"), first.headers().get("X-price"));
        assertEquals("{\"model\":\"mock-model\"}", first.body());
        assertEquals(
                List.of("Bearer rotated"), server.requests().get(1).headers().get("Authorization"));
    }

    @Test
    void aVariableGoneAtSendTimeFailsWithoutSendingOrRevealingValues() throws Exception {
        Probe probe = new Probe(
                1,
                "/health",
                Probe.Method.GET,
                List.of(new Probe.Header("Authorization", "Bearer ${{ env.PROBE_KEY }}")),
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                1,
                false,
                null);
        ProbeOutcome outcome = send(server.url(), probe);
        assertEquals(ProbeOutcome.Result.ERROR, outcome.result());
        assertEquals("not sent: environment variable PROBE_KEY is not set", outcome.detail());
        assertEquals(0, server.requests().size());
    }

    @Test
    void headProbesWork() throws Exception {
        Probe head = new Probe(
                1,
                "/live",
                Probe.Method.HEAD,
                List.of(),
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                1,
                false,
                null);
        assertTrue(send(server.url(), head).success());
        assertEquals("HEAD", server.requests().get(0).method());
    }

    @Test
    void failureDetailsNeverHoldTheResolvedSecret() throws Exception {
        environment.put("TOKEN", "s3cr3t");
        server.otherwise(Answer.json(500, "{}"));
        ProbeOutcome outcome = send(server.url(), get("/health?token=${{ env.TOKEN }}", Duration.ofSeconds(5)));
        assertFalse(outcome.detail().contains("s3cr3t"), outcome.detail());
        server.close();
        ProbeOutcome refused = send(server.url(), get("/health?token=${{ env.TOKEN }}", Duration.ofSeconds(5)));
        assertFalse(refused.detail().contains("s3cr3t"), refused.detail());
    }
}
