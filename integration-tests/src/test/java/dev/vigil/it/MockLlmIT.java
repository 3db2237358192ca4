package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.path.json.JsonPath;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.FreePort;
import dev.vigil.testing.TestTools;

/**
 * A Vigil worker in front of an OpenAI-compatible server this project did not write: {@code
 * @dwmkerr/mock-llm} from npm (an echo server: streams the last user message back in chunks of 7
 * characters, lists one model, answers {@code /health}), driven through the frontend by the official
 * {@code openai} npm client. It checks the wiring a real engine needs: joining on its health route and
 * the one model it lists, streaming with the text unchanged across chunk boundaries (multi-byte
 * characters cut between chunks), finish reasons, unary answers.
 */
@Timeout(240)
class MockLlmIT {

    static final Duration START = Duration.ofSeconds(90);
    static final String MODEL = "echo";
    static final String MESSAGE = "Héllo from Vigil — naïve café, 日本語 and 🙂 cut across chunks";

    static Process mockLlm;
    static Cluster cluster;
    static Path mockLlmLog;

    @BeforeAll
    static void start() throws Exception {
        TestTools.assumeInstalled(
                NodeScript.available(),
                "node and npm are not installed: MockLlmIT needs them to run @dwmkerr/mock-llm (.ci/run installs them)");
        Path dir = NodeScript.install("mock-llm");
        int port = FreePort.next();
        mockLlmLog = Path.of("target", "it-logs", "mock-llm.log");
        Files.createDirectories(mockLlmLog.getParent());
        ProcessBuilder builder = new ProcessBuilder(
                        "node", "node_modules/@dwmkerr/mock-llm/dist/main.js", "--config", "mock-llm.yaml")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(mockLlmLog.toFile());
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("HOST", "127.0.0.1");
        mockLlm = builder.start();
        Awaitility.await("mock-llm listening").atMost(Duration.ofSeconds(30)).until(() -> {
            if (!mockLlm.isAlive()) {
                throw new AssertionError("mock-llm exited: " + Files.readString(mockLlmLog));
            }
            return accepts(port);
        });
        cluster = Cluster.builder("mockllm")
                .workerEnv(
                        EnvNames.DYN_ENGINE,
                        "openai",
                        EnvNames.DYN_ENGINE_URL,
                        "http://127.0.0.1:" + port,
                        EnvNames.DYN_MODEL_NAME,
                        MODEL,
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                        "[\"generate\"]")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        Awaitility.await("the frontend serves " + MODEL)
                .atMost(START)
                .until(() -> given().get(cluster.frontend().url("/v1/models/" + MODEL + "/ready"))
                                .statusCode()
                        == 200);
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (mockLlm != null) {
            mockLlm.destroyForcibly();
        }
    }

    @Test
    void theWorkerJoinedOnceTheEngineWasHealthyAndFoundItsOnlyModel() {
        String log = cluster.worker(0).process().output();
        assertTrue(log.contains("Engine ready at"), log);
        assertTrue(log.contains("model echo-1"), log);
    }

    @Test
    void theOfficialOpenAiClientStreamsTheEnginesTextUnchanged() throws Exception {
        String line = NodeScript.run(
                "openai-check", "engine-check.mjs", cluster.frontend().url(), MODEL, MESSAGE);
        JsonPath seen = JsonPath.from(line);
        assertEquals(List.of(MODEL), seen.getList("models"));
        assertEquals(MESSAGE, seen.getString("streamed"), line);
        assertEquals(MESSAGE, seen.getString("unary"), line);
        assertEquals("stop", seen.getString("finish"));
        assertTrue(seen.getInt("chunks") > 5, "streamed in several chunks: " + line);
    }
}
