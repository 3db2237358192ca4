package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.response.Response;

import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 15 §3, §6 and §7 with real processes, on one frontend that sets them all: the all-busy
 * status 529 with Retry-After, per-model readiness, the admin API turned off, and SSE keep-alives
 * during a long prefill.
 */
@Timeout(180)
class FrontendSwitchesIT {

    static final Duration START = Duration.ofSeconds(60);
    static final String CHAT =
            "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}";
    static final String LONG = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Go on\"}],"
            + "\"max_tokens\":3000,\"ignore_eos\":true,\"stream\":true}";

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("switches")
                // A slow prefill: 2 s per 1000 prompt tokens.
                .workerEnv(
                        "DYN_MOCKER_NUM_BLOCKS", "64",
                        "DYN_MOCKER_ITL_MS", "5",
                        "DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS", "2000")
                .frontendEnv(
                        "DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS", "0",
                        "DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD", "0.1",
                        "DYN_HTTP_OVERLOAD_STATUS_CODE", "529",
                        "DYN_DISABLE_FRONTEND_ADMIN_API", "true",
                        "DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS", "100")
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

    @Test
    void allBusyIs529WithRetryAfter() {
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
                    .until(() -> chat().statusCode() == 529);
            Response rejected = chat();
            assertEquals(529, rejected.statusCode());
            assertEquals("1", rejected.header("Retry-After"));
            assertEquals(
                    "{\"message\":\"ResourceExhausted: All workers are busy, please retry later\","
                            + "\"type\":\"Site is overloaded\",\"code\":529}",
                    rejected.asString());
        } finally {
            hangUp.set(true);
            longRequest.join();
        }
        Awaitility.await("load goes away").atMost(Duration.ofSeconds(30)).until(() -> chat().statusCode() == 200);
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
}
