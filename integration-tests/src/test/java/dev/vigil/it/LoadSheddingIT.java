package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Load shedding with real processes (issue 4 §7, scenario 6): a worker with a small KV cache fills it
 * with one long request; once its published load crosses the frontend's threshold every new request
 * gets 503 with Dynamo's body and a Retry-After; a second, idle worker joining makes requests land
 * again.
 */
@Timeout(180)
class LoadSheddingIT {

    static final Duration START = Duration.ofSeconds(60);
    static final String CHAT =
            "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}";
    static final String LONG = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Go on\"}],"
            + "\"max_tokens\":3000,\"ignore_eos\":true,\"stream\":true}";

    /** Enough to fill the 64-block cache several times over with cached prefixes. */
    static final int DISTINCT_PROMPTS = 300;

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("shed")
                .workerEnv(EnvNames.DYN_MOCKER_NUM_BLOCKS, "64", EnvNames.DYN_MOCKER_ITL_MS, "5")
                .frontendEnv(
                        EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS,
                        "0",
                        // Busy once more than 10 % of the KV blocks are in use.
                        EnvNames.DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD,
                        "0.1")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
        Awaitility.await().atMost(START).until(() -> chat().statusCode() == 200);
    }

    static Response chat() {
        return given().contentType("application/json").body(CHAT).post(api + "/v1/chat/completions");
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    @Test
    void allWorkersBusyGives503WithRetryAfterAndAFreeWorkerTakesRequestsAgain() {
        AtomicBoolean hangUp = new AtomicBoolean();
        CompletableFuture<Void> longRequest = CompletableFuture.runAsync(() -> {
            try {
                StreamRun.post(api + "/v1/chat/completions", LONG, (count, run) -> !hangUp.get());
            } catch (Exception e) {
                // the hang-up ends it
            }
        });
        try {
            Awaitility.await("the only worker turns busy")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> chat().statusCode() == 503);
            Response rejected = chat();
            assertEquals(503, rejected.statusCode());
            assertEquals("1", rejected.header("Retry-After"));
            assertEquals("application/json", rejected.contentType());
            assertEquals(
                    "{\"message\":\"ResourceExhausted: All workers are busy, please retry later\","
                            + "\"type\":\"Service Unavailable\",\"code\":503}",
                    rejected.asString());

            cluster.addWorker(); // shed-worker-2
            Awaitility.await("a free worker takes the request")
                    .atMost(START)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> chat().statusCode() == 200);
        } finally {
            hangUp.set(true);
            longRequest.cancel(true);
        }
    }

    /**
     * Issue 12 §3: blocks a finished request leaves in the prefix cache are free capacity, not load.
     * When they counted as used, a worker that had served a handful of distinct prompts looked busy
     * forever, idle or not, and every request was shed. One request at a time never comes near the
     * threshold (10 % of 64 blocks; each request holds about two), so none may be refused.
     */
    @Test
    void distinctPromptsOneAtATimeAreNeverShed() {
        Awaitility.await("no worker is busy")
                .atMost(START)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> chat().statusCode() == 200);
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < DISTINCT_PROMPTS; i++) {
            Response response = given().contentType("application/json")
                    .body("{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + i
                            + " is this request's number: say something about it\"}],\"max_tokens\":2}")
                    .post(api + "/v1/chat/completions");
            if (response.statusCode() != 200) {
                refused.add("request " + i + ": " + response.statusCode() + " " + response.asString());
            }
        }
        assertEquals(List.of(), refused);
    }
}
