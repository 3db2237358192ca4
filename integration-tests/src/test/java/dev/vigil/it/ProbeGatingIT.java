package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.AppProcess;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Frontend probes (DYN_PROBES) gating traffic, with real processes: a worker that registers before
 * its /health says ready gets no request until every probe passed {@code ready_after} times, then
 * gets its share; a rolling replacement under steady load loses no request; a probe with a
 * {@code failure_threshold} takes a worker whose /health turned 503 out of routing and puts it back
 * once it recovers. One etcd and one NATS for the class; each test has its own frontend, workers and
 * model name, and stops them when it ends.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeGatingIT {

    static final Duration START = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(100);
    static final int LEASE_TTL_SECS = 3;
    /** Probe interval of every frontend here. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    static final Pattern LOADING = Pattern.compile("Loading the engine \\(instance ([0-9a-f]+)\\)");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static Cluster cluster;
    /** What the running test started, stopped after it. */
    static final List<AppProcess> current = new CopyOnWriteArrayList<>();

    record Frontend(AppProcess process, String api) {}

    record Worker(AppProcess process, int port) {
        String health() {
            return "http://127.0.0.1:" + port + "/health";
        }

        /** The instance id the worker logs before it loads its engine (and registers). */
        String hex() {
            Matcher m = LOADING.matcher(process.output());
            return m.find() ? m.group(1) : null;
        }

        /** How many generate requests reached this worker (canaries are not counted: they skip the plane). */
        long decodes() {
            return process.output()
                    .lines()
                    .filter(l -> l.contains("Decode Request ID: "))
                    .count();
        }

        int healthStatus() {
            try {
                return given().get(health()).statusCode();
            } catch (Exception notUp) {
                return -1;
            }
        }
    }

    @BeforeAll
    static void startInfrastructure() {
        cluster = Cluster.builder("probe")
                .workerEnv(
                        EnvNames.DYN_ETCD_LEASE_TTL,
                        String.valueOf(LEASE_TTL_SECS),
                        EnvNames.DYN_MOCKER_ITL_MS,
                        "5",
                        EnvNames.DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS,
                        "0")
                .frontendEnv(EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .start();
    }

    @AfterEach
    void stopWhatTheTestStarted() {
        // SIGTERM first so workers leave discovery at once (grace 0 unless the test set one), then
        // make sure nothing is left.
        current.forEach(AppProcess::stop);
        for (AppProcess p : current) {
            try {
                p.awaitExit(Duration.ofSeconds(15));
            } catch (AssertionError stillRunning) {
                p.close();
            }
        }
        current.clear();
    }

    @AfterAll
    static void stopAll() {
        Processes.closeAll(cluster);
    }

    // ---------------------------------------------------------------------------------------------
    // Starting things

    static AppProcess track(AppProcess process) {
        current.add(process);
        return process;
    }

    static Frontend frontend(String name, String probes, String... extraEnv) {
        Cluster.App app = cluster.frontend(name)
                .env(EnvNames.DYN_PROBES, probes)
                .env(extraEnv)
                .start();
        track(app.process());
        app.awaitLive(START);
        return new Frontend(app.process(), app.url());
    }

    static Worker worker(String name, String model, String... extraEnv) {
        Cluster.App app = cluster.worker(name)
                .env(EnvNames.DYN_MODEL_NAME, model)
                .env(extraEnv)
                .start();
        Worker worker = new Worker(track(app.process()), app.port());
        Awaitility.await(name + " logs its instance id")
                .atMost(START)
                .pollInterval(POLL)
                .until(() -> {
                    if (!worker.process().alive()) {
                        throw new AssertionError(worker.process().output());
                    }
                    return worker.hex() != null;
                });
        return worker;
    }

    /** A line in the test's output saying what a run went through, for reading a failure or a slow run. */
    static void note(String format, Object... args) {
        System.out.printf("[ProbeGatingIT] " + format + "%n", args);
    }

    // ---------------------------------------------------------------------------------------------
    // Talking to the frontend

    static String chatBody(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}";
    }

    static Response chat(Frontend f, String model) {
        return given().contentType("application/json").body(chatBody(model)).post(f.api() + "/v1/chat/completions");
    }

    static JsonNode instances(Frontend f) throws IOException {
        String body = given().accept("application/json")
                .get(f.api() + "/v1/instances")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JSON.readTree(body);
    }

    static Optional<JsonNode> instance(Frontend f, Worker w) throws IOException {
        String hex = w.hex();
        for (JsonNode i : instances(f).path("data")) {
            if (i.path("instance_hex").asText().equals(hex)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    static boolean routable(Frontend f, Worker w) throws IOException {
        return instance(f, w).map(i -> i.path("routable").asBoolean()).orElse(false);
    }

    /** The table row of {@code w}, split on the column gaps: INSTANCE COMPONENT ENDPOINTS URL STATE PROBES HEALTH. */
    static Optional<String[]> tableRow(Frontend f, Worker w) {
        String table = given().header("Accept", "text/plain")
                .get(f.api() + "/v1/instances")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(
                table.lines()
                        .findFirst()
                        .orElse("")
                        .matches("INSTANCE +COMPONENT +ENDPOINTS +STATUS URL +STATE +PROBES +HEALTH"),
                table);
        return table.lines()
                .filter(l -> l.startsWith(w.hex() + " "))
                .findFirst()
                .map(l -> l.split(" {2,}"));
    }

    static String metrics(Frontend f) {
        return given().header("Accept", "text/plain").get(f.api() + "/metrics").asString();
    }

    /**
     * The value of the sample {@code name} whose labels include every one of {@code labels} (given
     * as {@code key="value"}), or empty.
     */
    static Optional<Double> sample(String metricsText, String name, String... labels) {
        for (String line : metricsText.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            if (Set.of(labels).stream().allMatch(series::contains)) {
                return Optional.of(Double.parseDouble(line.substring(end + 1).trim()));
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aWorkerGetsNoTrafficUntilItsProbesPassThenItsShare() throws Exception {
        String model = "gating-model";
        int readyAfter = 2;
        Frontend f = frontend("gating", "[{type: http, url: /health, interval: 1s, ready_after: " + readyAfter + "}]");
        Duration admission = START.plus(INTERVAL.multipliedBy(readyAfter + 2));

        Worker a = worker("gating-a", model);
        Awaitility.await("A admitted").atMost(admission).pollInterval(POLL).until(() -> routable(f, a));
        Awaitility.await("A serves").atMost(START).until(() -> chat(f, model).statusCode() == 200);

        // B registers once its engine loaded, but with the canary on its /health stays 503 until the
        // first canary passed, 5 s later.
        Worker b = worker(
                "gating-b", model, EnvNames.DYN_HEALTH_CHECK_ENABLED, "true", EnvNames.DYN_CANARY_WAIT_TIME, "5");
        String bHex = b.hex();

        // 1. B is probed, fails (503), and is held back.
        Awaitility.await("B probed and held back while its /health is 503")
                .atMost(START)
                .pollInterval(POLL)
                .until(() -> {
                    Optional<JsonNode> seen = instance(f, b);
                    if (seen.isEmpty()) {
                        return false;
                    }
                    JsonNode i = seen.get();
                    JsonNode probe = i.path("probes").path(0);
                    boolean heldBack = "probing".equals(i.path("state").asText())
                            && !i.path("routable").asBoolean(true)
                            && "×".equals(i.path("probes_status").asText())
                            && "×".equals(probe.path("symbol").asText())
                            && probe.path("executions").asLong() >= 1
                            && "http_status"
                                    .equals(probe.path("last").path("result").asText())
                            && probe.path("last").path("status").asInt() == 503;
                    // Checked after the listing: its 503 was not a stale one.
                    return heldBack && b.healthStatus() == 503;
                });
        JsonNode probing = instance(f, b).orElseThrow();
        assertEquals(
                "http://127.0.0.1:" + b.port(),
                probing.path("system_status_url").asText());
        assertEquals("dynamo", probing.path("namespace").asText());
        assertEquals("backend", probing.path("component").asText());
        assertTrue(probing.path("endpoints").toString().contains("generate"), probing.toString());
        assertEquals(
                readyAfter,
                instances(f).path("probes").path(0).path("ready_after").asInt());
        String instanceDecimal = probing.path("instance_id").asText();

        Optional<String[]> row = tableRow(f, b);
        // The table is read after the JSON: B may have been admitted in between on a very slow run;
        // then there is nothing to check here, the later checks still hold. B's /health, once 200,
        // stays 200 here, so a 503 read after the table means every probe until then failed: ×.
        boolean stillFailing = b.healthStatus() == 503;
        if (!routable(f, b)) {
            assertTrue(row.isPresent(), "B listed in the table");
            assertEquals(bHex, row.get()[0]);
            assertEquals("dynamo.backend", row.get()[1]);
            assertTrue(Integer.parseInt(row.get()[2]) >= 1, row.get()[2]);
            assertEquals("http://127.0.0.1:" + b.port(), row.get()[3]);
            assertEquals("probing", row.get()[4]);
            assertTrue(Set.of("×", "~").contains(row.get()[5]), row.get()[5]);
            if (stillFailing) {
                assertEquals("×", row.get()[5]);
            }
        }

        // 2. Requests during that phase all succeed and none lands on B. Routing admission is a latch
        //    (no failure_threshold here), so a listing saying "not routable" proves B was never
        //    routable before it: B's request count, read before that listing, must be 0.
        int verified = 0;
        for (int n = 0; n < 20; n++) {
            Response r = chat(f, model);
            assertEquals(200, r.statusCode(), r.asString());
            long bDecodes = b.decodes();
            if (routable(f, b)) {
                break;
            }
            assertEquals(
                    0,
                    bDecodes,
                    "B got a request before it was routable:\n" + b.process().output());
            verified++;
        }
        note("%d requests all 200 while B was verifiably held back, none on B", verified);
        assertTrue(verified >= 5, "only " + verified + " requests were sent while B was held back");

        // 3. B's /health turns 200; its streak climbs through 1 (~) to ready_after (✓) and B is admitted.
        // Seeded with the held-back listing: on a slow run B may already be at "~" by the first poll.
        List<String> symbolsSeen = new ArrayList<>(List.of("×"));
        List<Integer> streaksSeen = new ArrayList<>(List.of(0));
        Awaitility.await("B admitted")
                .atMost(START.plus(INTERVAL.multipliedBy(readyAfter + 2)))
                .pollInterval(POLL)
                .until(() -> {
                    JsonNode i = instance(f, b).orElseThrow();
                    JsonNode probe = i.path("probes").path(0);
                    String symbol = probe.path("symbol").asText();
                    int streak = probe.path("success_streak").asInt();
                    if (symbolsSeen.isEmpty()
                            || !symbolsSeen.get(symbolsSeen.size() - 1).equals(symbol)) {
                        symbolsSeen.add(symbol);
                    }
                    if (streaksSeen.isEmpty() || streaksSeen.get(streaksSeen.size() - 1) != streak) {
                        streaksSeen.add(streak);
                    }
                    if (symbol.equals("~")) {
                        // Below ready_after: not admitted yet.
                        assertFalse(i.path("routable").asBoolean(), i.toString());
                        assertEquals("probing", i.path("state").asText());
                    }
                    return i.path("routable").asBoolean();
                });
        assertEquals(200, b.healthStatus());
        JsonNode ready = instance(f, b).orElseThrow();
        JsonNode readyProbe = ready.path("probes").path(0);
        assertEquals("ready", ready.path("state").asText());
        assertEquals(
                "[\"clear_kv_blocks\",\"generate\",\"load_metrics\"]",
                ready.path("endpoints").toString());
        assertEquals("✓", ready.path("probes_status").asText());
        assertEquals("✓", readyProbe.path("symbol").asText());
        assertTrue(readyProbe.path("ready").asBoolean());
        assertTrue(readyProbe.path("success_streak").asInt() >= readyAfter, ready.toString());
        assertEquals(0, readyProbe.path("failure_streak").asInt());
        assertEquals("success", readyProbe.path("last").path("result").asText());
        assertEquals(200, readyProbe.path("last").path("status").asInt());
        // The streak went 0 → 1 → 2 one success at a time. Seen as "~" unless a poll missed it; then
        // the executions still show the failures followed by at least ready_after successes.
        assertTrue(
                symbolsSeen.contains("~")
                        || readyProbe.path("executions").asLong()
                                >= probing.path("probes")
                                                .path(0)
                                                .path("executions")
                                                .asLong()
                                        + readyAfter,
                "symbols " + symbolsSeen + ", streaks " + streaksSeen + ", " + ready);
        note("B's probe symbols seen %s, success streaks %s", symbolsSeen, streaksSeen);
        assertEquals("✓", symbolsSeen.get(symbolsSeen.size() - 1), "symbols " + symbolsSeen);
        String[] readyRow = tableRow(f, b).orElseThrow();
        assertEquals("3", readyRow[2]);
        assertEquals("ready", readyRow[4]);
        assertEquals("✓", readyRow[5]);
        assertEquals(bHex, readyRow[0]);

        // 4. B now takes its share.
        int sent = 0;
        while (b.decodes() == 0 && sent < 40) {
            Response r = chat(f, model);
            assertEquals(200, r.statusCode(), r.asString());
            sent++;
        }
        final int sentToBoth = sent;
        Awaitility.await("B served some of " + sentToBoth + " requests")
                .atMost(Duration.ofSeconds(5))
                .until(() -> b.decodes() > 0);

        // 5. The prober's series.
        String text = metrics(f);
        text.lines()
                .filter(l -> l.contains(instanceDecimal) && !l.contains("_bucket")
                        || l.startsWith("vigil_frontend_routable"))
                .forEach(l -> note("metrics: %s", l));
        String instanceLabel = "worker_id=\"" + instanceDecimal + "\"";
        assertTrue(
                sample(text, "vigil_frontend_probe_total", instanceLabel, "probe=\"1\"", "result=\"http_status\"")
                                .orElse(0.0)
                        >= 1,
                text);
        assertTrue(
                sample(text, "vigil_frontend_probe_total", instanceLabel, "probe=\"1\"", "result=\"success\"")
                                .orElse(0.0)
                        >= readyAfter,
                text);
        assertTrue(
                sample(
                                        text,
                                        "vigil_frontend_probe_duration_seconds_bucket",
                                        instanceLabel,
                                        "probe=\"1\"",
                                        "le=\"+Inf\"")
                                .orElse(0.0)
                        >= 1 + readyAfter,
                text);
        assertTrue(text.lines().anyMatch("vigil_frontend_routable_instances 2.0"::equals), text);
    }

    // ---------------------------------------------------------------------------------------------

    /** One request of the steady load. */
    record Outcome(long atNanos, int status, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    /** Clients sending chat requests one after another until stopped, or a count or time bound. */
    static final class Load implements AutoCloseable {
        final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService pool;
        final List<Future<?>> clients = new ArrayList<>();

        Load(Frontend f, String model, int threads, int maxRequests, Duration maxTime) {
            pool = Executors.newFixedThreadPool(threads);
            long deadline = System.nanoTime() + maxTime.toNanos();
            for (int t = 0; t < threads; t++) {
                clients.add(pool.submit(() -> {
                    while (!stop.get() && System.nanoTime() < deadline && sent.incrementAndGet() <= maxRequests) {
                        outcomes.add(send(f, model));
                        pause(Duration.ofMillis(20));
                    }
                }));
            }
        }

        static Outcome send(Frontend f, String model) {
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(f.api() + "/v1/chat/completions"))
                                .header("content-type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(chatBody(model)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return new Outcome(System.nanoTime(), r.statusCode(), r.statusCode() == 200 ? "" : r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(System.nanoTime(), -1, "interrupted");
            } catch (IOException e) {
                return new Outcome(System.nanoTime(), -1, e.toString());
            }
        }

        long okSince(long nanos) {
            return outcomes.stream().filter(o -> o.ok() && o.atNanos() > nanos).count();
        }

        List<Outcome> failures() {
            return outcomes.stream().filter(o -> !o.ok()).toList();
        }

        /** Stops the clients and waits for their last requests. */
        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
    }

    /** A load client's think time between two requests: pacing, not a wait for a condition. */
    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @Order(2)
    void aRollingReplacementUnderSteadyLoadLosesNoRequest() throws Exception {
        String model = "rolling-model";
        int readyAfter = 2;
        Frontend f = frontend("rolling", "[{type: http, url: /health, interval: 1s, ready_after: " + readyAfter + "}]");
        Worker old = worker("rolling-old", model, EnvNames.DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS, "2");
        Duration admission = START.plus(INTERVAL.multipliedBy(readyAfter + 2));
        Awaitility.await("old worker admitted")
                .atMost(admission)
                .pollInterval(POLL)
                .until(() -> routable(f, old));
        Awaitility.await("old worker serves")
                .atMost(START)
                .until(() -> chat(f, model).statusCode() == 200);

        try (Load load = new Load(f, model, 4, 4000, Duration.ofSeconds(90))) {
            Awaitility.await("load running")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> load.okSince(Long.MIN_VALUE) >= 20);

            // The replacement loads its engine for 3 s, registers, then its /health is 503 until the
            // first canary passes 2 s later; only then can the probes pass.
            Worker replacement = worker(
                    "rolling-new",
                    model,
                    EnvNames.DYN_MOCKER_STARTUP_DELAY_MS,
                    "3000",
                    EnvNames.DYN_HEALTH_CHECK_ENABLED,
                    "true",
                    EnvNames.DYN_CANARY_WAIT_TIME,
                    "2");
            // Admission is a latch here, so every listing that says "not routable" proves the
            // replacement was never routable before it: its request count, read just before, must be 0.
            List<String> violations = new ArrayList<>();
            AtomicInteger heldBackListings = new AtomicInteger();
            Awaitility.await("replacement admitted")
                    .atMost(admission.plusSeconds(3 + 2))
                    .pollInterval(POLL)
                    .until(() -> {
                        long count = replacement.decodes();
                        Optional<JsonNode> seen = instance(f, replacement);
                        if (seen.isPresent() && seen.get().path("routable").asBoolean()) {
                            return true;
                        }
                        if (seen.isPresent()) {
                            heldBackListings.incrementAndGet();
                            assertEquals("probing", seen.get().path("state").asText());
                        }
                        if (count != 0) {
                            violations.add(count + " requests while listed as " + seen);
                        }
                        return false;
                    });
            assertTrue(
                    violations.isEmpty(),
                    violations + "\n" + replacement.process().output());
            assertTrue(heldBackListings.get() > 0, "the replacement was listed as held back at least once");

            // The old worker leaves: deregisters, keeps serving for its 2 s grace, drains, exits 0.
            old.process().stop();
            assertEquals(
                    0,
                    old.process().awaitExit(Duration.ofSeconds(30)),
                    old.process().output());
            long oldGone = System.nanoTime();
            long servedBeforeOldLeft = replacement.decodes();
            Awaitility.await("load goes on after the old worker left")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> load.okSince(oldGone) >= 40);
            load.close();

            List<Outcome> failures = load.failures();
            note(
                    "rolling load: %d requests, %d failed; old worker served %d, replacement %d (%d after the old one left)",
                    load.outcomes.size(),
                    failures.size(),
                    old.decodes(),
                    replacement.decodes(),
                    replacement.decodes() - servedBeforeOldLeft);
            assertTrue(
                    failures.isEmpty(),
                    failures.size() + " of " + load.outcomes.size() + " requests failed, first: "
                            + failures.subList(0, Math.min(5, failures.size())));
            assertTrue(load.outcomes.size() >= 60, "requests sent: " + load.outcomes.size());
            assertTrue(
                    replacement.decodes() > servedBeforeOldLeft,
                    "the replacement served requests after the old worker left");
            assertTrue(old.decodes() > 0);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void failureThresholdTakesAWorkerOutAndItComesBackWhenHealed() throws Exception {
        String model = "threshold-model";
        int failureThreshold = 2;
        // Strict routing: this test is about the probes taking the worker out. By default the
        // frontend would fail open to it, its only worker, once admitted (RoutingPolicyIT, RouterTest).
        Frontend f = frontend(
                "threshold",
                "[{type: http, url: /health, interval: 1s, ready_after: 1, failure_threshold: " + failureThreshold
                        + "}]",
                EnvNames.DYN_ROUTER_FAIL_OPEN,
                "false");
        // Canary every second while idle: an engine fault turns /health 503 within a couple of seconds.
        Worker w = worker(
                "threshold",
                model,
                EnvNames.DYN_FAULT_INJECTION_ENABLED,
                "true",
                EnvNames.DYN_HEALTH_CHECK_ENABLED,
                "true",
                EnvNames.DYN_CANARY_WAIT_TIME,
                "1");
        Duration admission = START.plus(INTERVAL.multipliedBy(3));
        Awaitility.await("admitted").atMost(admission).pollInterval(POLL).until(() -> routable(f, w));
        Awaitility.await("serves").atMost(START).until(() -> chat(f, model).statusCode() == 200);
        assertEquals(200, w.healthStatus());

        // Every request (the canary too) now fails where its first token was due.
        fault(w, "error_first_token");
        Awaitility.await("/health turns 503")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(POLL)
                .until(() -> w.healthStatus() == 503);
        Awaitility.await("taken out after " + failureThreshold + " failed probes")
                .atMost(INTERVAL.multipliedBy(failureThreshold + 10))
                .pollInterval(POLL)
                .until(() -> "failed"
                        .equals(instance(f, w).orElseThrow().path("state").asText()));
        JsonNode failed = instance(f, w).orElseThrow();
        assertFalse(failed.path("routable").asBoolean(), failed.toString());
        assertTrue(failed.path("probes").path(0).path("failure_streak").asInt() >= failureThreshold, failed.toString());
        assertEquals("failed", tableRow(f, w).orElseThrow()[4]);
        Response refused = chat(f, model);
        assertEquals(503, refused.statusCode(), refused.asString());
        assertTrue(refused.asString().contains("has passed its probes yet"), refused.asString());

        fault(w, "heal");
        Awaitility.await("/health turns 200 again")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(POLL)
                .until(() -> w.healthStatus() == 200);
        Awaitility.await("readmitted")
                .atMost(INTERVAL.multipliedBy(10))
                .pollInterval(POLL)
                .until(() -> routable(f, w));
        JsonNode back = instance(f, w).orElseThrow();
        assertEquals("ready", back.path("state").asText());
        assertEquals("✓", back.path("probes_status").asText());
        Response served = chat(f, model);
        assertEquals(200, served.statusCode(), served.asString());
        assertNotNull(served.jsonPath().getString("choices[0].message.content"));
    }

    static void fault(Worker w, String mode) {
        given().contentType("application/json")
                .body("{\"mode\":\"" + mode + "\"}")
                .post("http://127.0.0.1:" + w.port() + "/engine/fault")
                .then()
                .statusCode(200);
    }
}
