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

import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;

/**
 * Where a migrating request may go, with real processes: the router reads membership as it is when
 * the request migrates, not as it was when the request started. A stream whose only worker dies
 * continues on a worker that joined while it was streaming.
 */
@Timeout(180)
class MigrationTargetsIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int LEASE_TTL_SECS = 3;
    /** Each worker serves generate, clear_kv_blocks and load_metrics. */
    static final int ENDPOINTS_PER_WORKER = 3;
    /** Long enough (at 25 ms a token) for a second worker to start while the stream runs. */
    static final int TOKENS = 800;
    /** The mock engine's output budget when a request gives no max_tokens. */
    static final int DEFAULT_MAX_TOKENS = 256;

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        // On NATS: the request-plane size limit checked below is nats-server's max_payload.
        cluster = Cluster.builder("targets")
                .requestPlane("nats")
                .env(EnvNames.DYN_ETCD_LEASE_TTL, String.valueOf(LEASE_TTL_SECS))
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]",
                        EnvNames.DYN_MOCKER_ITL_MS, "25")
                .frontendEnv(EnvNames.DYN_MIGRATION_LIMIT, "3", EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
        awaitInstances(1);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static void awaitInstances(int workers) {
        Awaitility.await("the frontend knows " + workers + " worker(s)")
                .atMost(START)
                .until(() -> given().get(api + "/health")
                                .jsonPath()
                                .getList("instances")
                                .size()
                        == workers * ENDPOINTS_PER_WORKER);
    }

    static void awaitReady(Cluster.App worker) {
        Awaitility.await(worker.name() + " ready").atMost(START).until(() -> {
            if (!worker.process().alive()) {
                throw new AssertionError(worker.process().output());
            }
            try {
                return given().get(worker.url("/health")).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    @Test
    void aStreamWhoseOnlyWorkerDiesContinuesOnAWorkerThatJoinedAfterItStarted() throws Exception {
        Cluster.App first = cluster.worker(0);
        Cluster.App[] late = new Cluster.App[1];
        String body = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell a story\"}],"
                + "\"max_tokens\":" + TOKENS + ",\"ignore_eos\":true,\"stream\":true}";
        StreamRun run = StreamRun.post(api + "/v1/chat/completions", body, (count, r) -> {
            if (count == 5) {
                // The request is admitted and streaming from the only worker; now a second one joins
                // and becomes routable, and then the first dies.
                late[0] = cluster.addWorker();
                awaitReady(late[0]);
                awaitInstances(2);
                first.process().kill();
            }
            return true;
        });
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done, "the stream ends with [DONE]");
        assertEquals("length", run.finishReason);
        assertEquals(TOKENS, run.pieces.size(), "every token arrives once");
        assertTrue(
                late[0].process().output().contains("Decode Request ID: " + run.requestId),
                "the worker that joined mid-stream took the request over");
    }

    /**
     * Issue 12 §5: a prompt too large for NATS' 1 MiB payload is the client's problem. It gets 413
     * with the JSON error, no worker is tried (so none is taken out of routing), and the next valid
     * request is served.
     */
    @Test
    void aPromptTooLargeForTheRequestPlaneIs413AndCostsNoWorkerItsRouting() {
        // About 200 000 tokens: fits the model's context (16384 blocks of 16) but not in 1 MiB of ids.
        String prompt = " hello".repeat(200_000);
        Response tooLarge = given().contentType("application/json")
                .body("{\"model\":\"mock-model\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2}")
                .post(api + "/v1/completions");
        assertEquals(413, tooLarge.statusCode(), tooLarge.asString());
        assertEquals("application/json", tooLarge.contentType());
        assertEquals("Payload Too Large", tooLarge.jsonPath().getString("type"));
        assertTrue(tooLarge.jsonPath().getString("message").startsWith("Request too large"));
        for (int i = 0; i < 5; i++) {
            given().contentType("application/json")
                    .body("{\"model\":\"mock-model\",\"prompt\":\"Say hi\",\"max_tokens\":2}")
                    .post(api + "/v1/completions")
                    .then()
                    .statusCode(200);
        }
    }

    /**
     * Issue 12 §2: a request without {@code max_tokens} gets the engine's default budget once, not
     * once per attempt. Its stream migrates mid-way and still ends exactly where an uninterrupted run
     * ends, with the same text.
     */
    @Test
    void aMigratedStreamWithoutMaxTokensEndsWhereAnUninterruptedOneDoes() throws Exception {
        while (cluster.workers().stream().filter(w -> w.process().alive()).count() < 2) {
            awaitReady(cluster.addWorker());
        }
        awaitInstances((int)
                cluster.workers().stream().filter(w -> w.process().alive()).count());
        String body = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"No limit given\"}],"
                + "\"ignore_eos\":true,\"stream\":true}";
        StreamRun run = StreamRun.post(api + "/v1/chat/completions", body, (count, r) -> {
            if (count == 5) {
                cluster.workers().stream()
                        .filter(w -> w.process().output().contains("Decode Request ID: " + r.requestId))
                        .findFirst()
                        .orElseThrow()
                        .process()
                        .kill();
            }
            return true;
        });
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done);
        String reference = given().contentType("application/json")
                .body(body.replace("\"stream\":true", "\"stream\":false"))
                .post(api + "/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("choices[0].message.content");
        assertEquals(DEFAULT_MAX_TOKENS, run.pieces.size(), "one default budget, not one per attempt");
        assertEquals("length", run.finishReason);
        assertEquals(reference, run.content());
    }
}
