package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * Issue 15 §1 with real processes: a worker that failed a request (frozen with SIGSTOP, so its stream
 * goes silent) stays out of the frontend's routing for {@code DYN_RUNTIME_INHIBITED_DURATION_SECS}
 * even once it answers again, then gets traffic again without any discovery change.
 */
@Timeout(240)
class InhibitionIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int INHIBITED_SECS = 8;
    static final Pattern DECODE = Pattern.compile("Decode Request ID: (\\S+)");

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("inhibit")
                // The frozen worker's lease must outlive the freeze: no discovery change may end the
                // inhibition early.
                .env(EnvNames.DYN_ETCD_LEASE_TTL, "30")
                .workerEnv(EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]")
                .frontendEnv(
                        EnvNames.DYN_MIGRATION_LIMIT,
                        "3",
                        EnvNames.DYN_RUNTIME_INHIBITED_DURATION_SECS,
                        String.valueOf(INHIBITED_SECS),
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

    /** Sends one completion; its response id (which names the request id workers log) goes to {@code ids}. */
    static int completion(Set<String> ids) {
        var response = given().contentType("application/json")
                .body("{\"model\":\"mock-model\",\"prompt\":\"inhibit\",\"max_tokens\":3}")
                .post(api + "/v1/completions");
        if (response.statusCode() == 200) {
            ids.add(response.jsonPath().getString("id"));
        }
        return response.statusCode();
    }

    /** How many of {@code ids} the worker logged it decoded. */
    static long decodes(Cluster.App worker, Set<String> ids) {
        Matcher m = DECODE.matcher(worker.process().output());
        Set<String> decoded = new HashSet<>();
        while (m.find()) {
            decoded.add(m.group(1));
        }
        return ids.stream()
                .filter(id -> decoded.stream().anyMatch(id::endsWith))
                .count();
    }

    static void signal(Cluster.App worker, String signal) throws Exception {
        Process kill = new ProcessBuilder(
                        "kill", "-" + signal, String.valueOf(worker.process().pid()))
                .inheritIO()
                .start();
        assertEquals(0, kill.waitFor());
    }

    @Test
    void aWorkerThatFailedARequestGetsNoneUntilItsInhibitionEnds() throws Exception {
        Cluster.App frozen = cluster.worker(1);
        signal(frozen, "STOP");
        long failedBy;
        try {
            // Round robin sends one of the next two requests to the frozen worker; it migrates, so
            // every client still gets 200.
            long firstSent = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                assertEquals(200, completion(new HashSet<>()));
            }
            failedBy = firstSent;
        } finally {
            signal(frozen, "CONT");
        }
        // Requests sent from now on; the one sent while it was frozen may still be decoded (it sat in
        // its socket) but is not counted.
        Set<String> afterwards = ConcurrentHashMap.newKeySet();
        // Until the inhibition can have ended (it started after firstSent), the worker gets nothing
        // although it answers again. Requests go one at a time.
        long quietUntil = failedBy
                + Duration.ofSeconds(INHIBITED_SECS).toNanos()
                - Duration.ofMillis(500).toNanos();
        int sent = 0;
        while (System.nanoTime() < quietUntil) {
            assertEquals(200, completion(afterwards));
            sent++;
        }
        // Round robin between two workers: any two requests in a row would include one for the
        // frozen worker, had it not been inhibited.
        assertTrue(sent >= 2, "requests were sent during the inhibition: " + sent);
        assertEquals(0, decodes(frozen, afterwards), "the inhibited worker got requests");
        // Then it comes back by itself, without any discovery change.
        Awaitility.await("the worker gets traffic again")
                .atMost(Duration.ofSeconds(INHIBITED_SECS))
                .until(() -> {
                    completion(afterwards);
                    return decodes(frozen, afterwards) > 0;
                });
    }
}
