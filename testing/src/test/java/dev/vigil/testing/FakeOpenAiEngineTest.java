package dev.vigil.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FakeOpenAiEngine}'s own bounds: a request past its threads and its queue is refused at once. */
@Timeout(60)
class FakeOpenAiEngineTest {

    static final String MODEL = "fake/model";

    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    HttpRequest completion(FakeOpenAiEngine engine) {
        return HttpRequest.newBuilder(URI.create(engine.url() + "/v1/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + MODEL + "\",\"prompt\":\"hi\",\"max_tokens\":2,\"stream\":true}"))
                .build();
    }

    @Test
    void aRequestPastTheThreadsAndTheQueueIsAnswered503AtOnceAndCounted() throws Exception {
        try (FakeOpenAiEngine engine = FakeOpenAiEngine.start(0, MODEL, 1, 2, 1)) {
            engine.mode(FakeOpenAiEngine.Mode.HANG);
            List<CompletableFuture<HttpResponse<InputStream>>> hanging = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                hanging.add(client.sendAsync(completion(engine), HttpResponse.BodyHandlers.ofInputStream()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.running() == 2);
            // Both threads hang; this one waits in the queue of one.
            CompletableFuture<HttpResponse<String>> queued =
                    client.sendAsync(completion(engine), HttpResponse.BodyHandlers.ofString());
            // Nothing tells when the server has queued it; the next request must find the queue full.
            await().pollDelay(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> true);
            assertFalse(queued.isDone());
            assertEquals(0, engine.refused());

            HttpResponse<String> refused = client.send(completion(engine), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertTrue(refused.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            assertTrue(refused.body().contains("\"error\""), refused.body());
            assertEquals(1, engine.refused());
            assertEquals(2, engine.started(), "the refused request is not started");

            engine.mode(FakeOpenAiEngine.Mode.NORMAL);
            for (CompletableFuture<HttpResponse<InputStream>> stream : hanging) {
                HttpResponse<InputStream> response = stream.get(10, TimeUnit.SECONDS);
                try (InputStream body = response.body()) {
                    assertTrue(new String(body.readAllBytes()).contains("[DONE]"));
                }
            }
            HttpResponse<String> late = queued.get(10, TimeUnit.SECONDS);
            assertEquals(200, late.statusCode());
            assertTrue(late.body().contains("[DONE]"), late.body());
            assertEquals(3, engine.completed());
            assertEquals(1, engine.refused());
        }
    }
}
