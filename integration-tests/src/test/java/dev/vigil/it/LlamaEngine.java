package dev.vigil.it;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.vigil.testing.Cluster;

/**
 * The real engine of {@code ./vigil engine llama} (llama.cpp through node-llama-cpp, behind the
 * project's OpenAI-compatible server, on the generated tiny model), as the tests start it: the
 * command a worker runs as {@code DYN_ENGINE_COMMAND}, and what the tests read of it from outside
 * (its process, {@code /slots}, {@code /metrics}).
 */
final class LlamaEngine {

    /** First use installs node-llama-cpp (about 20 s here) and generates the model: bounded generously. */
    static final Duration PREPARE = Duration.ofMinutes(5);

    private LlamaEngine() {}

    /** {@code ./vigil} at the repository's root (the tests run in integration-tests/). */
    static Path vigil() {
        return Path.of("..", "vigil").toAbsolutePath().normalize();
    }

    /**
     * Installs the engine's packages and generates the model, if not done before, so no worker's
     * start waits for it; returns how long that took. Fails with the script's own output.
     */
    static Duration prepare() throws IOException, InterruptedException {
        Path log = Path.of("target", "it-logs", "llama-prepare.log");
        Files.createDirectories(log.getParent());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(vigil().toString(), "engine", "llama", "--help")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(PREPARE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "./vigil engine llama did not get ready within " + PREPARE + ":\n" + Files.readString(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(
                    "./vigil engine llama --help exited " + process.exitValue() + ":\n" + Files.readString(log));
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The engine command for a worker: the tiny model at {@code port}, with extra server options. */
    static String command(int port, String... options) {
        List<String> words =
                new ArrayList<>(List.of(vigil().toString(), "engine", "llama", "--port", String.valueOf(port)));
        words.addAll(List.of(options));
        return String.join(" ", words);
    }

    static String url(int port) {
        return "http://" + Cluster.HOST + ":" + port;
    }

    /** The engine process a worker started (its node process, found among the worker's descendants). */
    static Optional<ProcessHandle> process(Cluster.App worker) {
        return ProcessHandle.of(worker.process().pid()).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(p -> p.info().commandLine().orElse("").contains("server.mjs"))
                .findFirst();
    }

    /** How many of the engine's slots are generating now, from its own {@code /slots}. */
    static int busySlots(int port) {
        List<Boolean> processing = given().get(url(port) + "/slots").jsonPath().getList("is_processing");
        return (int) processing.stream().filter(Boolean::booleanValue).count();
    }

    /** One sample of the engine's Prometheus text, or NaN when it is missing. */
    static double metric(int port, String name) {
        for (String line : given().get(url(port) + "/metrics").asString().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return Double.NaN;
    }
}
