package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 15 §2 with real processes: a worker whose engine stalls after the first token keeps its
 * NATS heartbeats going, so only {@code DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS} notices. Every stream
 * that lands on it migrates and completes with all its tokens.
 */
@Timeout(180)
class BackendStreamTimeoutIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int TIMEOUT_SECS = 2;
    static final int TOKENS = 20;

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("stall")
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                        "[\"generate\"]",
                        EnvNames.DYN_FAULT_INJECTION_ENABLED,
                        "true",
                        EnvNames.DYN_MOCKER_ITL_MS,
                        "5")
                .frontendEnv(
                        EnvNames.DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS,
                        String.valueOf(TIMEOUT_SECS),
                        EnvNames.DYN_MIGRATION_LIMIT,
                        "3",
                        EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS,
                        "0")
                .workers(2)
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
        FrontendClient.awaitWorkers(api, 2, START);
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    @Test
    void streamsOnAStalledWorkerMigrateAndComplete() throws Exception {
        Cluster.App stalled = cluster.worker(0);
        String body = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"stall\"}],"
                + "\"max_tokens\":" + TOKENS + ",\"ignore_eos\":true,\"stream\":true}";
        // Both workers serve a few streams first: a cold JVM on a busy machine must not be what times out.
        for (int i = 0; i < 4; i++) {
            assertTrue(StreamRun.post(api + "/v1/chat/completions", body, (count, r) -> true).done);
        }
        given().contentType("application/json")
                .body("{\"mode\":\"stall_after_first_token\"}")
                .post(stalled.url("/engine/fault"))
                .then()
                .statusCode(200);
        // Round robin: at least one of two consecutive requests lands on the stalled worker.
        for (int i = 0; i < 2; i++) {
            StreamRun run = StreamRun.post(api + "/v1/chat/completions", body, (count, r) -> true);
            assertEquals(200, run.status);
            assertFalse(run.errorEvent, run.errorData);
            assertTrue(run.done, "the stream ends with [DONE]");
            assertEquals(TOKENS, run.pieces.size(), "every token arrives once");
        }
        assertTrue(
                cluster.frontend().process().output().contains("No response from instance"),
                "the frontend ended a silent stream");
    }
}
