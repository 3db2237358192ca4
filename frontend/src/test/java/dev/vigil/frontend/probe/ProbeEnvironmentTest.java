package dev.vigil.frontend.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vigil.testing.FakeHttpServer;
import dev.vigil.testing.FakeHttpServer.Answer;

class ProbeEnvironmentTest {

    final Map<String, String> process = Map.of("PROBE_KEY", "from-env", "OTHER", "other");

    @Test
    void withoutDirectoryTheProcessEnvironmentAnswers() {
        ProbeEnvironment environment = new ProbeEnvironment(null, name -> Optional.ofNullable(process.get(name)));
        assertEquals(Optional.of("from-env"), environment.apply("PROBE_KEY"));
        assertEquals(Optional.empty(), environment.apply("MISSING"));
    }

    @Test
    void aFileInTheDirectoryWinsAndIsReadAgainAtEachLookup(@TempDir Path dir) throws IOException {
        ProbeEnvironment environment = new ProbeEnvironment(dir, name -> Optional.ofNullable(process.get(name)));
        Files.writeString(dir.resolve("PROBE_KEY"), "first\n");
        assertEquals(Optional.of("first"), environment.apply("PROBE_KEY"));
        Files.writeString(dir.resolve("PROBE_KEY"), "rotated");
        assertEquals(Optional.of("rotated"), environment.apply("PROBE_KEY"), "a rotated secret applies at once");
        assertEquals(Optional.of("other"), environment.apply("OTHER"), "names without a file fall back");
    }

    @Test
    void aRotatedSecretReachesTheNextProbeSent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("PROBE_KEY"), "first\n");
        Probe probe = new Probe(
                1,
                "/health",
                Probe.Method.GET,
                java.util.List.of(new Probe.Header("Authorization", "Bearer ${{ env.PROBE_KEY }}")),
                null,
                java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(1),
                1,
                false,
                null);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (FakeHttpServer server = FakeHttpServer.start().otherwise(Answer.json(200, "{}"));
                HttpProbeSender sender =
                        new HttpProbeSender(vertx, new ProbeEnvironment(dir, name -> Optional.empty()))) {
            sender.send(server.url(), probe)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            Files.writeString(dir.resolve("PROBE_KEY"), "second\n");
            sender.send(server.url(), probe)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            assertEquals(
                    java.util.List.of("Bearer first"),
                    server.requests().get(0).headers().get("Authorization"));
            assertEquals(
                    java.util.List.of("Bearer second"),
                    server.requests().get(1).headers().get("Authorization"));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
