package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;
import dev.vigil.testing.TestTools;

/**
 * Real processes, on one frontend that sets all these switches: the all-busy
 * status 529 with Retry-After, per-model readiness, the admin API turned off, and SSE keep-alives
 * during a long prefill.
 */
@Timeout(180)
class FrontendSwitchesIT {

    static final Duration START = Duration.ofSeconds(60);
    static final String CHAT =
            "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}";
    /** The mock's KV cache: 64 blocks of 16 tokens. */
    static final int KV_BLOCKS = 64;

    static final int BLOCK_SIZE = 16;
    /** Busy once the blocks held by running sequences exceed a tenth of the cache: 6.4 blocks. */
    static final double BUSY_FRACTION = 0.1;
    /** Between tokens: the long stream below lasts 45 s, longer than any wait while it runs. */
    static final int ITL_MS = 50;
    /**
     * The long stream: 900 tokens (with its prompt it fits the 1,024-token cache, so it is never
     * preempted) at 50 ms each.
     */
    static final int LONG_TOKENS = 900;

    static final String LONG = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Go on\"}],"
            + "\"max_tokens\":" + LONG_TOKENS + ",\"ignore_eos\":true,\"stream\":true}";
    /** Tokens the long stream has delivered once the blocks it holds are over the busy threshold. */
    static final int TOKENS_OVER_THRESHOLD = ((int) Math.floor(BUSY_FRACTION * KV_BLOCKS) + 1) * BLOCK_SIZE;
    /** How long the busy state may take to show: the worker publishes its load every second. */
    static final Duration BUSY_SEEN_WITHIN = Duration.ofSeconds(30);

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("switches")
                // A slow prefill: 2 s per 1000 prompt tokens.
                .workerEnv(
                        EnvNames.DYN_MOCKER_NUM_BLOCKS, String.valueOf(KV_BLOCKS),
                        EnvNames.DYN_MOCKER_BLOCK_SIZE, String.valueOf(BLOCK_SIZE),
                        EnvNames.DYN_MOCKER_ITL_MS, String.valueOf(ITL_MS),
                        EnvNames.DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS, "2000")
                .frontendEnv(
                        EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0",
                        EnvNames.DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD, String.valueOf(BUSY_FRACTION),
                        EnvNames.DYN_HTTP_OVERLOAD_STATUS_CODE, "529",
                        EnvNames.DYN_DISABLE_FRONTEND_ADMIN_API, "true",
                        EnvNames.DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS, "100")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
        Awaitility.await().atMost(START).until(() -> chat().statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    static Response chat() {
        return given().contentType("application/json").body(CHAT).post(api + "/v1/chat/completions");
    }

    @Test
    void perModelReadinessAndNoAdminApi() {
        given().get(api + "/v1/models/mock-model/ready")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("routable_instances", org.hamcrest.Matchers.equalTo(1));
        given().get(api + "/v1/models/no-such-model/ready").then().statusCode(404);
        given().get(api + "/busy_threshold").then().statusCode(404).contentType("application/json");
        given().contentType("application/json")
                .body("{\"model\":\"mock-model\",\"active_decode_blocks_threshold\":0.0}")
                .post(api + "/busy_threshold")
                .then()
                .statusCode(404);
    }

    /**
     * The busy state is reached by construction, not by a race: the long stream is known to hold more
     * blocks than the threshold (it has delivered that many tokens) and to be still running (it lasts
     * longer than the wait for 529) while the test waits for the rejection.
     */
    @Test
    void allBusyIs529WithRetryAfter() throws Exception {
        // Another test's request may have left the worker's load over the threshold; the long stream
        // itself would then be rejected.
        Awaitility.await("the worker is free")
                .atMost(BUSY_SEEN_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> chat().statusCode() == 200);
        AtomicBoolean hangUp = new AtomicBoolean();
        AtomicInteger delivered = new AtomicInteger();
        CompletableFuture<StreamRun> longRequest = CompletableFuture.supplyAsync(() -> {
            try {
                return StreamRun.post(api + "/v1/chat/completions", LONG, (count, run) -> {
                    delivered.set(count);
                    return !hangUp.get();
                });
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try {
            Awaitility.await("the long stream holds more blocks than the threshold")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        if (longRequest.isDone()) {
                            StreamRun run = longRequest.join();
                            throw new AssertionError("the long stream ended after " + delivered.get()
                                    + " tokens: status " + run.status + ", error " + run.errorData);
                        }
                        return delivered.get() >= TOKENS_OVER_THRESHOLD;
                    });
            Awaitility.await("the only worker turns busy")
                    .atMost(BUSY_SEEN_WITHIN)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> chat().statusCode() == 529);
            Response rejected = chat();
            assertEquals(529, rejected.statusCode());
            assertEquals("1", rejected.header("Retry-After"));
            assertEquals(
                    "{\"message\":\"ResourceExhausted: All workers are busy, please retry later\","
                            + "\"type\":\"Site is overloaded\",\"code\":529}",
                    rejected.asString());
            assertFalse(longRequest.isDone(), "the long stream ran throughout");
        } finally {
            hangUp.set(true);
        }
        StreamRun run = longRequest.get(60, TimeUnit.SECONDS);
        assertEquals(200, run.status);
        assertTrue(run.pieces.size() < LONG_TOKENS, "the client hung up before the end: " + run.pieces.size());
        Awaitility.await("load goes away").atMost(BUSY_SEEN_WITHIN).until(() -> chat().statusCode() == 200);
    }

    @Test
    void aLongPrefillIsBridgedWithKeepAlives() throws Exception {
        // About 500 prompt tokens (the context holds 1024) at 2 s per 1000: a second before the first token.
        String prompt = " word".repeat(500);
        String body = "{\"model\":\"mock-model\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2,\"stream\":true}";
        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(api + "/v1/completions"))
                                .header("content-type", "application/json")
                                .timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        String text = response.body();
        assertTrue(text.startsWith(": keep-alive\n\n"), text.substring(0, Math.min(200, text.length())));
        assertTrue(text.endsWith("data: [DONE]\n\n"), text);
    }

    /**
     * {@code DYN_HTTP_ERROR_FORMAT=openai} on a second frontend of the same cluster: its errors come
     * in OpenAI's envelope, which the official client reads (message, type, code), where the default
     * frontend's Dynamo shape leaves the client the status alone.
     */
    @Test
    void openAiErrorBodiesOnSwitchAndTheOfficialClientReadsThem() throws Exception {
        TestTools.assumeInstalled(NodeScript.available(), "node and npm not installed: the OpenAI client not run");
        Cluster.App openAi = cluster.frontend("openai-errors")
                .env(EnvNames.DYN_HTTP_ERROR_FORMAT, "openai")
                .start()
                .awaitAnswering("/v1/models", START);
        try {
            Awaitility.await("the second frontend routes")
                    .atMost(START)
                    .until(() -> given().contentType("application/json")
                                    .body(CHAT)
                                    .post(openAi.url("/v1/chat/completions"))
                                    .statusCode()
                            == 200);
            given().contentType("application/json")
                    .body("{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                    .post(openAi.url("/v1/chat/completions"))
                    .then()
                    .statusCode(404)
                    .contentType("application/json")
                    .body("error.message", org.hamcrest.Matchers.equalTo("Model not found: no-such-model"))
                    .body("error.type", org.hamcrest.Matchers.equalTo("invalid_request_error"))
                    .body("error.code", org.hamcrest.Matchers.equalTo(404))
                    .body("message", org.hamcrest.Matchers.nullValue());
            // The HTTP layer's own errors take the same shape.
            given().get(openAi.url("/v1/no-such-route"))
                    .then()
                    .statusCode(404)
                    .body("error.message", org.hamcrest.Matchers.startsWith("Route not found"));
            given().contentType("application/json")
                    .body("{not json")
                    .post(openAi.url("/v1/chat/completions"))
                    .then()
                    .statusCode(400)
                    .body("error.type", org.hamcrest.Matchers.equalTo("invalid_request_error"));

            io.restassured.path.json.JsonPath client = io.restassured.path.json.JsonPath.from(
                    NodeScript.run("openai-check", "errors-check.mjs", openAi.url(), "mock-model"));
            System.out.println("the OpenAI client, openai error bodies: " + client.prettify());
            assertEquals(404, client.getInt("unknownModel.status"));
            assertEquals("404 Model not found: no-such-model", client.getString("unknownModel.message"));
            assertEquals("invalid_request_error", client.getString("unknownModel.type"));
            assertEquals(400, client.getInt("noMessages.status"));
            assertEquals(
                    "400 Field 'messages' is required and must be a non-empty array",
                    client.getString("noMessages.message"));

            // The default, Dynamo's shape: the same client learns the status and nothing else.
            io.restassured.path.json.JsonPath dynamo = io.restassured.path.json.JsonPath.from(
                    NodeScript.run("openai-check", "errors-check.mjs", api, "mock-model"));
            System.out.println("the OpenAI client, Dynamo error bodies: " + dynamo.prettify());
            assertEquals(404, dynamo.getInt("unknownModel.status"));
            assertFalse(dynamo.getString("unknownModel.message").contains("no-such-model"), dynamo.prettify());
        } finally {
            openAi.close();
        }
    }
}
