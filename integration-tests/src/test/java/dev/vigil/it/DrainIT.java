package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Draining a worker from outside, as an autoscaler or a {@code preStop} hook does, with real etcd and
 * the packaged apps: {@code POST /engine/drain} on the worker's system port lets a stream in flight
 * finish while the worker gets nothing new, {@code GET /engine/status} turns {@code safe_to_delete}
 * once it is idle, a frontend started afterwards still leaves it out (the drain lives in discovery),
 * and {@code POST /engine/resume} brings traffic back.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrainIT {

    static final Duration START = Duration.ofSeconds(60);
    /** Tokens of the stream kept in flight across the drain: 40 × 50 ms, about 2 s of decoding. */
    static final int STREAM_TOKENS = 40;

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("drain")
                .workerEnv(EnvNames.DYN_MOCKER_ITL_MS, "50")
                .frontendEnv(EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .workers(2)
                .frontend()
                .answerWithin(START)
                .start();
        FrontendClient.awaitWorkers(cluster.frontend().url(), 2, START);
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    static String api() {
        return cluster.frontends().get(cluster.frontends().size() - 1).url();
    }

    static JsonPath engine(Cluster.App worker, String method, String path, int expectedStatus) {
        Response response = given().request(method, worker.url(path));
        assertEquals(expectedStatus, response.statusCode(), method + " " + path + ": " + response.asString());
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        return response.jsonPath();
    }

    /** A short completion; returns its id, which ends with the request id the worker logs. */
    static String completion(String prompt) {
        Response response = given().contentType("application/json")
                .body("{\"model\":\"mock-model\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2}")
                .post(api() + "/v1/completions");
        assertEquals(200, response.statusCode(), response.asString());
        return response.jsonPath().getString("id");
    }

    static boolean decodedBy(Cluster.App worker, String responseId) {
        return FrontendClient.decoded(worker).stream().anyMatch(responseId::endsWith);
    }

    /** The worker's state as the current frontend's {@code /v1/instances} shows it. */
    static String workerState(Cluster.App worker) {
        return given().get(api() + "/v1/instances")
                .jsonPath()
                .getString("data.find { it.system_status_url == '" + worker.url() + "' }.worker_state.state");
    }

    @Test
    @Order(1)
    void aDrainedWorkerFinishesItsStreamGetsNothingNewIsSafeToDeleteAndResumes() throws Exception {
        Cluster.App first = cluster.worker(0);
        Cluster.App second = cluster.worker(1);
        assertEquals("serving", engine(first, "GET", "/engine/status", 200).getString("state"));
        assertFalse(engine(first, "GET", "/engine/status", 200).getBoolean("safe_to_delete"));

        // A stream in flight; once its first token arrived, drain the worker that serves it.
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<StreamRun> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return StreamRun.post(
                        api() + "/v1/chat/completions",
                        "{\"model\":\"mock-model\",\"stream\":true,\"max_tokens\":" + STREAM_TOKENS
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"drain me\"}]}",
                        (count, run) -> {
                            streaming.countDown();
                            return true;
                        });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(streaming.await(30, TimeUnit.SECONDS), "the stream never started");
        Cluster.App drained = Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(
                        () -> FrontendClient.decoded(first).size() > 0 && inFlight(first) > 0
                                ? first
                                : FrontendClient.decoded(second).size() > 0 && inFlight(second) > 0 ? second : null,
                        w -> w != null);
        Cluster.App other = drained == first ? second : first;

        JsonPath draining = engine(drained, "POST", "/engine/drain", 200);
        assertEquals("draining", draining.getString("state"));
        assertEquals(1, draining.getInt("inflight"));
        assertFalse(draining.getBoolean("safe_to_delete"));
        // Idempotent.
        assertEquals("draining", engine(drained, "POST", "/engine/drain", 200).getString("state"));

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "draining".equals(workerState(drained)));

        // Nothing new reaches it, while its stream goes on.
        Set<String> before = FrontendClient.decoded(drained);
        for (int i = 0; i < 8; i++) {
            String id = completion("while draining " + i);
            assertTrue(decodedBy(other, id), "request " + id + " was not served by the other worker");
        }
        assertEquals(before, FrontendClient.decoded(drained), "the draining worker took a new request");

        StreamRun run = stream.get(60, TimeUnit.SECONDS);
        assertEquals(200, run.status);
        assertTrue(run.done, "the stream in flight did not finish");
        assertFalse(run.errorEvent, run.errorData);
        assertEquals(STREAM_TOKENS, run.pieces.size());

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine(drained, "GET", "/engine/status", 200)
                .getBoolean("safe_to_delete"));
        JsonPath idle = engine(drained, "GET", "/engine/status", 200);
        assertEquals("drained", idle.getString("state"));
        assertEquals(0, idle.getInt("inflight"));
        assertTrue(
                Pattern.compile("(?m)^vigil_worker_drain_state\\{state=\"drained\",?} 1\\.0$")
                        .matcher(given().get(drained.url("/metrics")).asString())
                        .find(),
                given().get(drained.url("/metrics"))
                        .asString()
                        .lines()
                        .filter(l -> l.contains("drain"))
                        .toList()
                        .toString());
        // Still live and still registered: only out of routing.
        assertEquals(200, given().get(drained.url("/live")).statusCode());
        assertEquals(
                2,
                given().get(api() + "/health")
                        .jsonPath()
                        .getList("instances.findAll { it.endpoint == 'generate' }")
                        .size());

        // A frontend started now learns of the drain from discovery.
        Cluster.App frontend =
                cluster.restart(cluster.frontends().get(cluster.frontends().size() - 1));
        frontend.awaitAnswering("/health", START);
        // Both are listed (the drained one is still registered); only one is routed to.
        FrontendClient.awaitWorkers(frontend.url(), 2, START);
        assertEquals("draining", workerState(drained));
        for (int i = 0; i < 6; i++) {
            String id = completion("after restart " + i);
            assertTrue(decodedBy(other, id), "request " + id + " was not served by the other worker");
        }
        assertEquals(
                before,
                FrontendClient.decoded(drained),
                "the drained worker took a request after the frontend restarted");

        // Resume: traffic comes back.
        assertEquals("serving", engine(drained, "POST", "/engine/resume", 200).getString("state"));
        assertEquals("serving", engine(drained, "POST", "/engine/resume", 200).getString("state"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "ready".equals(workerState(drained)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> decodedBy(drained, completion("resumed")));
    }

    @Test
    @Order(2)
    void theDrainPathsAnswerOtherMethods405WithTheStatusServersErrorShape() {
        Cluster.App worker = cluster.worker(0);
        for (String[] call : new String[][] {
            {"GET", "/engine/drain"}, {"PUT", "/engine/resume"}, {"POST", "/engine/status"}, {"DELETE", "/engine/drain"}
        }) {
            JsonPath error = engine(worker, call[0], call[1], 405);
            assertEquals("Method not allowed", error.getString("error"), call[0] + " " + call[1]);
        }
        assertEquals("serving", engine(worker, "GET", "/engine/status", 200).getString("state"));
    }

    /** The k8s preStop hook's command, run as the kubelet would: in its own JVM, beside the worker. */
    @Test
    @Order(3)
    void thePreStopCommandDrainsTheWorkerAndExitsZeroOnceItIsSafeToDelete() throws Exception {
        Cluster.App worker = cluster.worker(1);
        ProcessBuilder command = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        // What the image's preStop hook runs with: the worker's own libraries.
                        java.nio.file.Path.of(System.getProperty(
                                                "vigil.worker.jar", "../worker/target/quarkus-app/quarkus-run.jar"))
                                        .toAbsolutePath()
                                        .getParent()
                                + "/lib/main/*",
                        "dev.vigil.health.http.DrainCommand",
                        "20")
                .redirectErrorStream(true);
        command.environment().put(EnvNames.DYN_SYSTEM_PORT, String.valueOf(worker.port()));
        Process hook = command.start();
        assertTrue(hook.waitFor(60, TimeUnit.SECONDS), "the drain command did not end");
        String output = new String(hook.getInputStream().readAllBytes());
        assertEquals(0, hook.exitValue(), output);
        assertTrue(output.contains("safe to delete"), output);
        assertEquals("drained", engine(worker, "GET", "/engine/status", 200).getString("state"));
        assertEquals("serving", engine(worker, "POST", "/engine/resume", 200).getString("state"));
    }

    static int inFlight(Cluster.App worker) {
        return given().get(worker.url("/engine/status")).jsonPath().getInt("inflight");
    }
}
