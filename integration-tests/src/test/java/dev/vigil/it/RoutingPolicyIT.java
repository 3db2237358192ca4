package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
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
 * How the frontend chooses among workers, with real processes: two workers, one four times faster
 * than the other (the mock engine's speedup ratio), and two frontends with the circuit breaker on,
 * {@code balanced} ({@code DYN_ROUTER_MODE=power-of-two}, failing open: the default) and {@code
 * strict} (round robin, {@code DYN_ROUTER_FAIL_OPEN=false}).
 *
 * <p>Under steady concurrent load, power of two choices on in-flight attempts sends the slow worker
 * less; round robin sends both the same. Once both workers' circuits are open on both frontends, the
 * balanced one still answers (it fails open, counted in {@code vigil_frontend_fail_open_total}), the
 * strict one answers 503. The load test runs first: the fail-open test leaves the circuits open.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingPolicyIT {

    static final Duration START = Duration.ofSeconds(60);
    static final Pattern DECODE = Pattern.compile("Decode Request ID: (\\S+)");
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** The fast worker's speedup over the slow one's. */
    static final int SPEED_RATIO = 4;

    static final int CLIENTS = 4;
    static final int REQUESTS_PER_CLIENT = 40;
    static final int MAX_TOKENS = 20;

    /** Failures within the window that open a circuit; open for longer than the class runs. */
    static final int CB_THRESHOLD = 2;

    static Cluster cluster;
    static Cluster.App slow;
    static Cluster.App fast;
    static Cluster.App balanced;
    static Cluster.App strict;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("routing")
                .workerEnv(EnvNames.DYN_FAULT_INJECTION_ENABLED, "true")
                .frontendEnv(
                        EnvNames.DYN_CB_ENABLED, "true",
                        EnvNames.DYN_CB_FAILURE_THRESHOLD, String.valueOf(CB_THRESHOLD),
                        EnvNames.DYN_CB_TIMEOUT_SECS, "600",
                        // Each frontend must judge the workers on its own here: what one shares
                        // (SharedHealthIT) would keep the other from ever opening its circuits.
                        EnvNames.DYN_ROUTER_SHARED_HEALTH, "false",
                        EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .answerWithin(START)
                .start();
        slow = cluster.addWorker(EnvNames.DYN_MOCKER_SPEEDUP_RATIO, "1");
        fast = cluster.addWorker(EnvNames.DYN_MOCKER_SPEEDUP_RATIO, String.valueOf(SPEED_RATIO));
        balanced = cluster.frontend("balanced")
                .env(EnvNames.DYN_ROUTER_MODE, "power-of-two")
                .start();
        strict = cluster.frontend("strict")
                .env(EnvNames.DYN_ROUTER_MODE, "round-robin", EnvNames.DYN_ROUTER_FAIL_OPEN, "false")
                .start();
        for (Cluster.App app : List.of(slow, fast, balanced, strict)) {
            app.awaitLive(START);
        }
        FrontendClient.awaitWorkers(balanced.url(), 2, START);
        FrontendClient.awaitWorkers(strict.url(), 2, START);
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    /**
     * {@code clients} threads each sending {@code perClient} completions one after another; the ids of
     * those answered 200. Every request must be answered 200.
     */
    static Set<String> steadyLoad(Cluster.App frontend, int clients, int perClient) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String body = "{\"model\":\"mock-model\",\"prompt\":\"route me\",\"max_tokens\":" + MAX_TOKENS + "}";
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<String> failures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(URI.create(frontend.url("/v1/completions")))
                                        .timeout(Duration.ofSeconds(30))
                                        .header("content-type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        Matcher id = ID.matcher(r.body());
                        if (r.statusCode() == 200 && id.find()) {
                            ids.add(id.group(1));
                        } else {
                            synchronized (failures) {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " requests failed, first: " + failures.get(0));
        return ids;
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

    @Test
    @Order(1)
    void powerOfTwoSendsTheSlowWorkerLessUnderSteadyLoad() throws Exception {
        Set<String> ids = steadyLoad(balanced, CLIENTS, REQUESTS_PER_CLIENT);
        long toFast = decodes(fast, ids);
        long toSlow = decodes(slow, ids);
        System.out.printf("power-of-two: fast worker %d requests, slow worker %d%n", toFast, toSlow);
        assertEquals(CLIENTS * REQUESTS_PER_CLIENT, toFast + toSlow, "every request was decoded by one worker");
        // Each worker holds about the same share of the concurrent requests, so each serves in
        // proportion to its speed (4x); 1.5x leaves room for what both pay alike (HTTP, prefill,
        // the frontend), which brings the ratio down from 4.
        assertTrue(
                toFast > 1.5 * toSlow,
                "the fast worker served " + toFast + " requests, the slow one " + toSlow + " (expected > 1.5x)");

        // The control: round robin ignores speed and alternates, whatever the load.
        Set<String> rr = steadyLoad(strict, 2, 20);
        long rrFast = decodes(fast, rr);
        long rrSlow = decodes(slow, rr);
        assertEquals(40, rrFast + rrSlow);
        assertTrue(Math.abs(rrFast - rrSlow) <= 2, "round robin: fast " + rrFast + ", slow " + rrSlow);
    }

    static int completion(Cluster.App frontend) {
        return FrontendClient.completion(frontend.url(), "fail open", 2);
    }

    static List<String> circuitStates(Cluster.App frontend) {
        return given().get(frontend.url("/v1/instances")).jsonPath().getList("data.circuit.state");
    }

    static boolean bothCircuitsOpen(Cluster.App frontend) {
        List<String> states = circuitStates(frontend);
        return states.size() == 2 && states.stream().allMatch("open"::equals);
    }

    static double failOpenCount(String reason) {
        String prefix = "vigil_frontend_fail_open_total{";
        return given().get(balanced.url("/metrics"))
                .asString()
                .lines()
                .filter(l -> l.startsWith(prefix)
                        && l.contains("model=\"mock-model\"")
                        && l.contains("reason=\"" + reason + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static long occurrences(String text, String of) {
        return Pattern.compile(Pattern.quote(of)).matcher(text).results().count();
    }

    @Test
    @Order(2)
    void withEveryCircuitOpenTheDefaultFailsOpenAndStrictRoutingRefuses() {
        for (Cluster.App worker : List.of(slow, fast)) {
            fault(worker, "error_first_token");
        }
        // Each frontend opens both circuits on its own: every request fails at the engine.
        for (Cluster.App frontend : List.of(balanced, strict)) {
            Awaitility.await("both circuits open on " + frontend.name())
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        completion(frontend);
                        return bothCircuitsOpen(frontend);
                    });
        }
        for (Cluster.App worker : List.of(slow, fast)) {
            fault(worker, "heal");
        }

        for (int i = 0; i < 5; i++) {
            var refused = given().contentType("application/json")
                    .body("{\"model\":\"mock-model\",\"prompt\":\"strict\",\"max_tokens\":2}")
                    .post(strict.url("/v1/completions"));
            assertEquals(503, refused.statusCode(), refused.asString());
            assertTrue(refused.asString().contains("no live instance serves mock-model"), refused.asString());
        }

        double before = failOpenCount("circuit_open");
        int answered = 10;
        for (int i = 0; i < answered; i++) {
            assertEquals(200, completion(balanced), "failing open to a healed worker");
        }
        assertEquals(before + answered, failOpenCount("circuit_open"), "each attempt failed open is counted");
        // A success on an open circuit does not close it: the circuit's own timeout and trial do.
        assertTrue(bothCircuitsOpen(balanced), circuitStates(balanced).toString());
        String log = balanced.process().output();
        assertEquals(1, occurrences(log, "Failing open for mock-model"), "warned once, not per request");
        assertEquals(0, occurrences(strict.process().output(), "Failing open"));
    }

    static void fault(Cluster.App worker, String mode) {
        given().contentType("application/json")
                .body("{\"mode\":\"" + mode + "\"}")
                .post(worker.url("/engine/fault"))
                .then()
                .statusCode(200);
    }
}
