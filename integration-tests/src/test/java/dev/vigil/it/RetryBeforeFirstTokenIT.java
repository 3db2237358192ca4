package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 15 §9 with real processes: a worker that is gone (SIGKILLed; its registration stays until
 * its lease expires, so NATS answers "no responders") costs clients nothing, because attempts that
 * fail before the first token are retried on another worker; and when every worker is gone, the
 * retry budget caps the retries at its fraction of the requests.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetryBeforeFirstTokenIT {

    static final Duration START = Duration.ofSeconds(60);
    static final double RATIO = 0.2;
    static final int MIN_PER_SEC = 5;

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("retry")
                // The killed workers stay registered for the whole test.
                .env(EnvNames.DYN_ETCD_LEASE_TTL, "120")
                .workerEnv(EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]")
                .frontendEnv(
                        // No inhibition: every request may pick the dead worker, and only retries save it.
                        EnvNames.DYN_RUNTIME_INHIBITED_DURATION_SECS, "0",
                        EnvNames.DYN_RETRY_MAX_ATTEMPTS, "2",
                        EnvNames.DYN_RETRY_BUDGET_RATIO, String.valueOf(RATIO),
                        EnvNames.DYN_RETRY_BUDGET_MIN_PER_SEC, String.valueOf(MIN_PER_SEC),
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
        return FrontendClient.completion(api, "retry", 2);
    }

    static double counter(String outcome) {
        Matcher m = Pattern.compile("vigil_frontend_retry_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} ([0-9.E]+)")
                .matcher(given().get(api + "/metrics").asString());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    @Test
    @Order(1)
    void aDeadWorkerCostsClientsNothing() {
        cluster.worker(1).process().kill();
        for (int i = 0; i < 40; i++) {
            assertEquals(200, completion(), "request " + i);
        }
        assertTrue(counter("retried") >= 10, "round robin sent about half the requests to the dead worker");
    }

    @Test
    @Order(2)
    void underAFullOutageTheBudgetCapsTheRetries() {
        cluster.worker(0).process().kill();
        double retriedBefore = counter("retried");
        long started = System.nanoTime();
        int requests = 200;
        for (int i = 0; i < requests; i++) {
            assertEquals(503, completion());
        }
        double retried = counter("retried") - retriedBefore;
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 1;
        // Each request asks for two retries. Any 10 s window grants at most the fraction of its
        // requests plus the floor, so over the whole run (and the window before it): at most the
        // fraction of every request sent plus the floor for every second.
        double cap = RATIO * (requests + 40) + MIN_PER_SEC * (seconds + 10);
        assertTrue(retried <= cap, retried + " retries in " + seconds + " s, cap " + cap);
        assertTrue(retried < 2 * requests, "retries were refused: " + retried);
        assertTrue(counter("budget_exhausted") > 0, "the budget said no");
    }
}
