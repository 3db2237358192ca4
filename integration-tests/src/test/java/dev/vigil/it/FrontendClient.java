package dev.vigil.it;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import dev.vigil.testing.Cluster;

/** What the fault-tolerance ITs ask a frontend, written once. */
final class FrontendClient {

    /** Each worker serves generate, clear_kv_blocks and load_metrics. */
    static final int ENDPOINTS_PER_WORKER = 3;

    /** Dynamo's line a worker logs for each request it takes. */
    static final Pattern DECODE = Pattern.compile("Decode Request ID: (\\S+)");

    /** Every request id the worker logged it decoded; a response id ends with its request id. */
    static Set<String> decoded(Cluster.App worker) {
        Matcher m = DECODE.matcher(worker.process().output());
        Set<String> ids = new HashSet<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

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
