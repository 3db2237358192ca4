package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 15 §4 with real processes: a SIGTERMed worker whose stream outlives its shutdown budget
 * stops on time, stage by stage, and hands the stream over: the client sees one stream with every
 * token and no error.
 */
@Timeout(180)
class ShutdownBudgetIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int TOTAL_SECS = 4;
    /** At 25 ms a token, about 10 s: longer than the whole budget. */
    static final int TOKENS = 400;

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("budget")
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]",
                        EnvNames.DYN_MOCKER_ITL_MS, "25",
                        EnvNames.DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS, String.valueOf(TOTAL_SECS),
                        EnvNames.DYN_WORKER_SHUTDOWN_ROUTER_GRACE_SECS, "1",
                        EnvNames.DYN_WORKER_SHUTDOWN_CLEANUP_TIMEOUT_SECS, "1")
                .frontendEnv(EnvNames.DYN_MIGRATION_LIMIT, "3", EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
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
    void aStreamThatOutlivesTheBudgetIsHandedOverWithoutAClientError() throws Exception {
        Cluster.App[] stopped = new Cluster.App[1];
        long[] signalled = new long[1];
        String body = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"budget\"}],"
                + "\"max_tokens\":" + TOKENS + ",\"ignore_eos\":true,\"stream\":true}";
        StreamRun run = StreamRun.post(api + "/v1/chat/completions", body, (count, r) -> {
            if (count == 5) {
                stopped[0] = cluster.workers().stream()
                        .filter(w -> w.process().output().contains("Decode Request ID: " + r.requestId))
                        .findFirst()
                        .orElseThrow();
                signalled[0] = System.nanoTime();
                stopped[0].process().stop();
                // Issue 15 §10: the frontend sees it drain (its model left discovery, it still serves).
                Awaitility.await("the frontend sees a worker draining")
                        .atMost(Duration.ofSeconds(TOTAL_SECS))
                        .until(() -> given().get(api + "/v1/instances")
                                .jsonPath()
                                .getList("data.worker_state.state")
                                .contains("draining"));
            }
            return true;
        });
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done, "the stream ends with [DONE]");
        assertEquals(TOKENS, run.pieces.size(), "every token arrives once");

        Cluster.App worker = stopped[0];
        assertEquals(1, worker.process().awaitExit(Duration.ofSeconds(TOTAL_SECS + 10)), "cut off requests: exit 1");
        String log = worker.process().output();
        for (String stage : new String[] {
            "unregister completed",
            "router_grace completed",
            "stop_admission completed",
            "inflight timed_out",
            "cleanup completed"
        }) {
            assertTrue(log.contains("Shutdown stage " + stage), stage + " in\n" + log);
        }
        assertTrue(
                cluster.frontend().process().output().contains("Stream disconnected... recreating stream"),
                "the frontend migrated the stream");
    }
}
