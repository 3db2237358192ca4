package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * End-to-end request deadlines with real processes: {@code x-request-timeout} and {@code
 * nvext.timeout_ms} end a request that outlives them everywhere (the worker is told to drop it, the
 * client gets 504 JSON or an SSE error event), a request past its deadline is never migrated, one
 * within it is untouched, and a bad value is a 400. Also {@code
 * vigil_frontend_migration_recovery_seconds} after a SIGKILL mid-stream. Three workers: two of the
 * tests kill one each, and the last must still have a worker to (not) migrate to.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadlineIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int ITL_MS = 50;
    /** A generation of LONG tokens takes LONG × ITL_MS = 20 s: far past every deadline below. */
    static final int LONG = 400;

    static final String CANCELLED_AT_WORKER =
            "dynamo_component_cancellation_total{dynamo_component=\"backend\",dynamo_endpoint=\"generate\",dynamo_namespace=\"dynamo\"}";
    static final String ONGOING_MIGRATIONS =
            "dynamo_frontend_model_migration_total{migration_type=\"ongoing_request\",model=\"mock-model\"}";
    static final String NEW_MIGRATIONS =
            "dynamo_frontend_model_migration_total{migration_type=\"new_request\",model=\"mock-model\"}";

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.builder("deadline")
                .env(EnvNames.DYN_ETCD_LEASE_TTL, "3")
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                        "[\"generate\"]",
                        EnvNames.DYN_MOCKER_ITL_MS,
                        String.valueOf(ITL_MS))
                .frontendEnv(EnvNames.DYN_MIGRATION_LIMIT, "3", EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .workers(3)
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
        FrontendClient.awaitWorkers(api, 3, START);
        // Every worker serves a stream first: a cold JVM must not be what misses a first token.
        for (int i = 0; i < 3; i++) {
            assertTrue(stream(story(5), Map.of()).done);
        }
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    static String story(int maxTokens) {
        return story(maxTokens, true, "");
    }

    static String story(int maxTokens, boolean stream, String extra) {
        return "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story\"}],"
                + "\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true,\"stream\":" + stream + extra + "}";
    }

    static StreamRun stream(String body, Map<String, String> headers) throws Exception {
        return StreamRun.post(api + "/v1/chat/completions", body, headers, (count, run) -> true);
    }

    static double metric(String url, String nameAndLabels) {
        return FaultToleranceScenarios.metric(url, nameAndLabels);
    }

    /** The worker that took the request, found by Dynamo's log line, once it appears. */
    static Cluster.App servingWorker(String requestId) {
        Awaitility.await("a worker logs request " + requestId)
                .atMost(Duration.ofSeconds(5))
                .until(() -> workersThatServed(requestId).size() == 1);
        return workersThatServed(requestId).get(0);
    }

    static List<Cluster.App> workersThatServed(String requestId) {
        return cluster.workers().stream()
                .filter(w -> w.process().output().contains("Decode Request ID: " + requestId))
                .toList();
    }

    @Test
    @Order(1)
    void requestsWithinTheirDeadlineAreUnaffected() throws Exception {
        StreamRun run = stream(story(20), Map.of("x-request-timeout", "30"));
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done);
        assertEquals(20, run.pieces.size());
        given().contentType("application/json")
                .body(story(20, false, ",\"nvext\":{\"timeout_ms\":30000}"))
                .post(api + "/v1/chat/completions")
                .then()
                .statusCode(200);
    }

    @Test
    @Order(2)
    void badDeadlinesAre400WithTheErrorJson() {
        for (String bad : List.of("-1", "abc", "1e3", "0", "99999999")) {
            Response response = given().contentType("application/json")
                    .header("x-request-timeout", bad)
                    .body(story(5, false, ""))
                    .post(api + "/v1/chat/completions");
            assertEquals(400, response.statusCode(), bad + ": " + response.asString());
            JsonPath body = response.jsonPath();
            assertEquals(400, body.getInt("code"));
            assertEquals("Bad Request", body.getString("type"));
            assertTrue(body.getString("message").contains("x-request-timeout"), body.getString("message"));
        }
        Response response = given().contentType("application/json")
                .body(story(5, false, ",\"nvext\":{\"timeout_ms\":\"soon\"}"))
                .post(api + "/v1/chat/completions");
        assertEquals(400, response.statusCode(), response.asString());
        assertTrue(response.jsonPath().getString("message").contains("nvext.timeout_ms"));
        assertTrue(
                metric(api, "vigil_frontend_requests_dropped_total{model=\"mock-model\",reason=\"bad_request\"}") >= 6);
    }

    @Test
    @Order(3)
    void aStreamPastItsDeadlineEndsWithAnErrorEventAndIsCancelledAtTheWorker() throws Exception {
        long started = System.nanoTime();
        StreamRun run = stream(story(LONG), Map.of("x-request-timeout", "1"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, run.status);
        assertTrue(run.errorEvent, "an SSE event: error");
        assertFalse(run.done);
        JsonPath error = JsonPath.from(run.errorData);
        assertEquals(504, error.getInt("code"), run.errorData);
        assertTrue(error.getString("message").contains("deadline"), run.errorData);
        assertTrue(run.pieces.size() > 0 && run.pieces.size() < LONG, "pieces: " + run.pieces.size());
        assertTrue(elapsedMs >= 1000, "the deadline never fires early: " + elapsedMs + " ms");

        Cluster.App worker = servingWorker(run.requestId);
        Awaitility.await("the worker drops the request")
                .atMost(Duration.ofSeconds(10))
                .until(() -> worker.process().output().contains("Aborted Request ID: " + run.requestId));
        Awaitility.await("the worker counts the cancellation")
                .atMost(Duration.ofSeconds(10))
                .until(() -> metric(worker.url(), CANCELLED_AT_WORKER) >= 1);
        assertTrue(
                metric(api, "vigil_frontend_deadline_exceeded_total{model=\"mock-model\",phase=\"streaming\"}") >= 1);
    }

    @Test
    @Order(4)
    void anUnaryRequestPastItsDeadlineGets504Json() {
        double before = metric(api, "vigil_frontend_requests_dropped_total{model=\"mock-model\",reason=\"deadline\"}");
        long started = System.nanoTime();
        Response response = given().contentType("application/json")
                .header("x-request-timeout", "1.5")
                .body(story(LONG, false, ""))
                .post(api + "/v1/chat/completions");
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(504, response.statusCode(), response.asString());
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        JsonPath body = response.jsonPath();
        assertEquals(504, body.getInt("code"));
        assertEquals("Gateway Timeout", body.getString("type"));
        assertTrue(elapsedMs >= 1500, "the deadline never fires early: " + elapsedMs + " ms");
        assertTrue(elapsedMs < LONG * ITL_MS, "it did not wait for the whole generation: " + elapsedMs + " ms");
        assertEquals(
                before + 1,
                metric(api, "vigil_frontend_requests_dropped_total{model=\"mock-model\",reason=\"deadline\"}"));
    }

    @Test
    @Order(5)
    void aMigratedStreamRecordsItsRecoveryTime() throws Exception {
        StreamRun run = StreamRun.post(api + "/v1/chat/completions", story(60), (count, r) -> {
            if (count == 5) {
                servingWorker(r.requestId).process().kill();
            }
            return true;
        });
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done);
        assertEquals(60, run.pieces.size());
        assertTrue(metric(api, "vigil_frontend_migration_recovery_seconds_count{model=\"mock-model\"}") >= 1);
    }

    @Test
    @Order(6)
    void aStreamPastItsDeadlineIsNotMigratedWhenItsWorkerDies() throws Exception {
        StreamRun run = stream(story(LONG), Map.of("x-request-timeout", "1"));
        assertTrue(run.errorEvent, "the deadline ended the stream");
        Cluster.App worker = servingWorker(run.requestId);
        double ongoing = metric(api, ONGOING_MIGRATIONS);
        double fresh = metric(api, NEW_MIGRATIONS);
        worker.process().kill();
        Awaitility.await("nothing migrates the request")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> metric(api, ONGOING_MIGRATIONS) == ongoing
                        && metric(api, NEW_MIGRATIONS) == fresh
                        && workersThatServed(run.requestId).size() == 1);
    }
}
