package dev.vigil.it;

import static io.restassured.RestAssured.given;

import java.time.Duration;

import org.awaitility.Awaitility;

/** What the fault-tolerance ITs ask a frontend, written once. */
final class FrontendClient {

    /** Each worker serves generate, clear_kv_blocks and load_metrics. */
    static final int ENDPOINTS_PER_WORKER = 3;

    private FrontendClient() {}

    /** Waits until the frontend at {@code api} lists every endpoint of {@code workers} workers. */
    static void awaitWorkers(String api, int workers, Duration atMost) {
        Awaitility.await("the frontend knows " + workers + " worker(s)")
                .atMost(atMost)
                .until(() -> given().get(api + "/health")
                                .jsonPath()
                                .getList("instances")
                                .size()
                        == workers * ENDPOINTS_PER_WORKER);
    }

    /** A unary completion of {@code maxTokens} tokens; its status. */
    static int completion(String api, String prompt, int maxTokens) {
        return given().contentType("application/json")
                .body("{\"model\":\"mock-model\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens + "}")
                .post(api + "/v1/completions")
                .statusCode();
    }
}
