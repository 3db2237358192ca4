package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 15 §8 with real processes: a worker whose engine fails every request opens its circuit
 * after {@code DYN_CB_FAILURE_THRESHOLD} failures and gets no traffic while open; once it heals, a
 * half-open trial succeeds and it gets traffic again. The states are visible in the metrics.
 */
@Timeout(240)
class CircuitBreakerIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int THRESHOLD = 3;
    static final int OPEN_SECS = 3;

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("circuit")
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                        "[\"generate\"]",
                        EnvNames.DYN_FAULT_INJECTION_ENABLED,
                        "true")
                .frontendEnv(
                        EnvNames.DYN_CB_ENABLED, "true",
                        EnvNames.DYN_CB_FAILURE_THRESHOLD, String.valueOf(THRESHOLD),
                        EnvNames.DYN_CB_SUCCESS_THRESHOLD, "1",
                        EnvNames.DYN_CB_TIMEOUT_SECS, String.valueOf(OPEN_SECS),
                        EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
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

    static int completion() {
        return FrontendClient.completion(api, "circuit", 2);
    }

    static int decodes(Cluster.App worker) {
        Matcher m =
                Pattern.compile("Decode Request ID").matcher(worker.process().output());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static String metrics() {
        return given().get(api + "/metrics").asString();
    }

    @Test
    void aFailingWorkerIsCutOffAndComesBackAfterItHeals() {
        Cluster.App sick = cluster.worker(1);
        given().contentType("application/json")
                .body("{\"mode\":\"error_first_token\"}")
                .post(sick.url("/engine/fault"))
                .then()
                .statusCode(200);
        int failed = 0;
        for (int i = 0; i < 30; i++) {
            if (completion() != 200) {
                failed++;
            }
        }
        assertEquals(THRESHOLD, failed, "only the failures that opened the circuit reach clients");
        String open = metrics();
        assertTrue(
                open.lines()
                        .anyMatch(l -> l.startsWith("vigil_frontend_circuit_breaker_state{")
                                && l.contains("state=\"open\"")
                                && l.endsWith(" 1.0")),
                open);
        // Issue 15 §10: the fused state and the circuit, with its reason, in /v1/instances and the table.
        var instances = given().get(api + "/v1/instances").jsonPath();
        assertTrue(instances.getList("data.circuit.state").contains("open"), instances.prettify());
        assertTrue(instances.getList("data.worker_state.state").contains("open_circuit"), instances.prettify());
        String table = given().get(api + "/v1/instances?format=table").asString();
        assertTrue(table.lines().anyMatch(l -> l.endsWith("open_circuit")), table);
        int whileOpen = decodes(sick);
        for (int i = 0; i < 10; i++) {
            assertEquals(200, completion());
        }
        assertEquals(whileOpen, decodes(sick), "an open circuit sends nothing");

        given().contentType("application/json").body("{\"mode\":\"heal\"}").post(sick.url("/engine/fault"));
        // After the open time a trial goes through, succeeds, and the worker is back in rotation.
        Awaitility.await("the healed worker gets traffic again")
                .atMost(Duration.ofSeconds(OPEN_SECS * 5L))
                .until(() -> {
                    assertEquals(200, completion());
                    return decodes(sick) > whileOpen + 2;
                });
        String closed = metrics();
        assertTrue(closed.contains("from=\"half_open\"") && closed.contains("to=\"closed\""), closed);
    }
}
