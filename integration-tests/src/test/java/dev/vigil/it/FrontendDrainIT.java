package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 15 §5 with real processes: a SIGTERMed frontend drains. From the signal on, /health answers
 * 503 {@code not_ready} with the stage (a load balancer stops sending), /live stays 200 (nothing
 * restarts it), and a stream that was running when the signal came finishes with every token.
 */
@Timeout(180)
class FrontendDrainIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int GRACE_SECS = 2;
    /** At 25 ms a token the stream outlives the grace window by seconds. */
    static final int TOKENS = 240;

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("drain")
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                        "[\"generate\"]",
                        EnvNames.DYN_MOCKER_ITL_MS,
                        "25")
                .frontendEnv(EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, String.valueOf(GRACE_SECS))
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        String api = cluster.frontend().url();
        Awaitility.await("the frontend serves mock-model")
                .atMost(START)
                .until(() -> given().contentType("application/json")
                                .body("{\"model\":\"mock-model\",\"prompt\":\"hi\",\"max_tokens\":1}")
                                .post(api + "/v1/completions")
                                .statusCode()
                        == 200);
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    @Test
    void healthTurns503WhileTheStreamsInFlightFinish() throws Exception {
        Cluster.App frontend = cluster.frontend();
        List<Integer> healthDuringDrain = new ArrayList<>();
        List<Integer> liveDuringDrain = new ArrayList<>();
        String body = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"drain\"}],"
                + "\"max_tokens\":" + TOKENS + ",\"ignore_eos\":true,\"stream\":true}";
        StreamRun run = StreamRun.post(frontend.url("/v1/chat/completions"), body, (count, r) -> {
            if (count == 5) {
                frontend.process().stop();
                Awaitility.await("/health says not_ready")
                        .atMost(Duration.ofSeconds(GRACE_SECS))
                        .until(() -> given().get(frontend.url("/health")).statusCode() == 503);
                var health = given().get(frontend.url("/health"));
                healthDuringDrain.add(health.statusCode());
                assertEquals("not_ready", health.jsonPath().getString("status"), health.asString());
                assertEquals("draining", health.jsonPath().getString("stage"), health.asString());
                liveDuringDrain.add(given().get(frontend.url("/live")).statusCode());
            }
            return true;
        });
        assertEquals(List.of(503), healthDuringDrain);
        assertEquals(List.of(200), liveDuringDrain, "/live stays 200 while the frontend drains");
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done, "the stream ends with [DONE]");
        assertEquals(TOKENS, run.pieces.size(), "every token arrives, also after the grace window ended");
        assertEquals(0, frontend.process().awaitExit(Duration.ofSeconds(30)), "a drained frontend exits 0");
    }
}
