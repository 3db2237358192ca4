package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.testing.FakeHttpServer.Answer;
import dev.vigil.testing.FakeHttpServer.Request;

/** {@link FakeHttpServer}: routes, scripted answers, recording, and closing. */
@Timeout(60)
class FakeHttpServerTest {

    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    HttpResponse<String> send(String method, String url, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .header("X-Test", "yes")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesByMethodAndPathRecordsAndAnswersTheRestWithTheFallback() throws Exception {
        try (FakeHttpServer server = FakeHttpServer.start()) {
            server
                    .route("GET", "/a", Answer.json(200, "{\"a\":1}").header("X-Answer", "a"))
                    .route("POST", "/a", r -> Answer.of(201, "text/plain", "got " + r.body() + " " + r.query("q")))
                    .stream("GET", "/stream", (r, exchange) -> {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write("one".getBytes());
                    out.flush();
                    out.write("two".getBytes());
                }
            });
            assertTrue(server.url().startsWith("http://127.0.0.1:"));

            HttpResponse<String> a = send("GET", server.url() + "/a", null);
            assertEquals(200, a.statusCode());
            assertEquals("{\"a\":1}", a.body());
            assertEquals(
                    "application/json", a.headers().firstValue("content-type").orElseThrow());
            assertEquals("a", a.headers().firstValue("X-Answer").orElseThrow());

            HttpResponse<String> posted = send("POST", server.url() + "/a?q=7", "hello");
            assertEquals(201, posted.statusCode());
            assertEquals("got hello 7", posted.body());

            assertEquals("onetwo", send("GET", server.url() + "/stream", null).body());
            assertEquals(404, send("GET", server.url() + "/b", null).statusCode());

            server.otherwise(Answer.json(503, "{}"));
            assertEquals(503, send("GET", server.url() + "/b", null).statusCode());
            HttpResponse<String> head = send("HEAD", server.url() + "/b", null);
            assertEquals(503, head.statusCode());
            assertEquals("", head.body());

            List<Request> seen = server.requests();
            assertEquals(6, seen.size());
            assertEquals("POST", seen.get(1).method());
            assertEquals("/a?q=7", seen.get(1).uri());
            assertEquals("/a", seen.get(1).path());
            assertEquals("hello", seen.get(1).body());
            assertEquals(List.of("yes"), seen.get(1).headers().get("X-test"));
            assertEquals(1, server.hits("/a?q=7"));
            assertEquals(3, server.hits("/b"));
            // The server counts an answer finished just after the client has it.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> server.finishedNanos().size() == 6);
            assertTrue(server.maxInFlight() >= 1);
            assertEquals(0, server.refused());
        }
    }

    @Test
    void aDelayedAnswerComesAfterItsDelayAndAClosedServerRefusesConnections() throws Exception {
        FakeHttpServer server = FakeHttpServer.start();
        server.otherwise(Answer.json(200, "{}").delayed(Duration.ofMillis(300)));
        long start = System.nanoTime();
        assertEquals(200, send("GET", server.url() + "/slow", null).statusCode());
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        assertTrue(server.requests().get(0).arrivedNanos() - start
                < Duration.ofMillis(300).toNanos());
        server.close();
        assertThrows(IOException.class, () -> send("GET", server.url() + "/slow", null));
    }
}
