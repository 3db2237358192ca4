package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.nats.NatsPlaneSettings;
import dev.vigil.runtime.transport.nats.NatsRequestPlane;
import dev.vigil.runtime.transport.tcp.TcpPlaneSettings;
import dev.vigil.runtime.transport.tcp.TcpRequestPlane;
import dev.vigil.testing.AppProcess;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Fault-tolerance scenarios with real processes (issue 4 §7): workers killed mid-stream with and
 * without migration, a client that goes away, a worker stopped under load. Two workers are kept
 * alive: each scenario that kills one starts a replacement first. Three frontends share the cluster,
 * one per migration setting. Run on each request plane by a subclass ({@link FaultToleranceIT} on
 * the direct TCP plane, {@link FaultToleranceNatsIT} on NATS): the scenarios and their pass criteria
 * are the same, except how fast a killed worker is noticed.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class FaultToleranceScenarios {

    static final String MODEL = "mock-model";
    static final Duration START = Duration.ofSeconds(60);
    static final int LEASE_TTL_SECS = 3;
    static final Pattern INSTANCE = Pattern.compile("Worker ready: instance ([0-9a-f]+)");

    static Cluster cluster;
    static final List<Worker> workers = new ArrayList<>();
    static String migrating; // DYN_MIGRATION_LIMIT=3
    static String notMigrating; // DYN_MIGRATION_LIMIT=0
    static String seqLenOne; // DYN_MIGRATION_LIMIT=3, DYN_MIGRATION_MAX_SEQ_LEN=1
    static final List<AppProcess> frontends = new ArrayList<>();

    record Worker(AppProcess process, int port) {
        String instanceHex() {
            Matcher m = INSTANCE.matcher(process.output());
            return m.find() ? m.group(1) : null;
        }

        boolean served(String requestId) {
            return process.output().contains("Decode Request ID: " + requestId);
        }
    }

    /** {@code tcp} or {@code nats}. */
    abstract String requestPlane();

    /**
     * The longest gap a client may see between two chunks when the worker serving it is SIGKILLed
     * and the stream migrates: how fast the plane notices a dead worker, plus a new first token.
     */
    abstract Duration migrationGapBound();

    /**
     * Whether this plane notices a SIGKILLed worker by its silence (NATS: no heartbeat within the
     * silence timeout) rather than by its closed connection (TCP). Asserted from the frontend's log,
     * so the test tells the two apart by cause, not by how long the gap was on this machine.
     */
    abstract boolean deathNoticedBySilence();

    @BeforeAll
    void startCluster() {
        workers.clear();
        frontends.clear();
        cluster = Cluster.builder("ft-" + requestPlane())
                .requestPlane(requestPlane())
                .env(EnvNames.DYN_ETCD_LEASE_TTL, String.valueOf(LEASE_TTL_SECS))
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]",
                        EnvNames.DYN_MOCKER_ITL_MS, "20",
                        EnvNames.DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS, "1",
                        EnvNames.DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT, "10")
                .frontendEnv(EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .start();
        migrating = frontend("migrating", EnvNames.DYN_MIGRATION_LIMIT, "3");
        notMigrating = frontend("not-migrating", EnvNames.DYN_MIGRATION_LIMIT, "0");
        seqLenOne = frontend("seq-len-one", EnvNames.DYN_MIGRATION_LIMIT, "3", EnvNames.DYN_MIGRATION_MAX_SEQ_LEN, "1");
    }

    static String frontend(String name, String... env) {
        Cluster.App app = cluster.frontend(name).env(env).start().awaitLive(START);
        frontends.add(app.process());
        return app.url();
    }

    static Worker startWorker() {
        Cluster.App app = cluster.addWorker();
        AppProcess process = app.process();
        int port = app.port();
        Worker worker = new Worker(process, port);
        Awaitility.await("worker " + port + " ready").atMost(START).until(() -> {
            if (!process.alive()) {
                throw new AssertionError(process.output());
            }
            try {
                return given().get("http://127.0.0.1:" + port + "/health").statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        });
        return worker;
    }

    @BeforeEach
    void twoLiveWorkersKnownToEveryFrontend() {
        workers.removeIf(w -> !w.process().alive());
        while (workers.size() < 2) {
            workers.add(startWorker());
        }
        for (String frontend : List.of(migrating, notMigrating, seqLenOne)) {
            Awaitility.await("frontend sees exactly the live workers")
                    .atMost(Duration.ofSeconds(LEASE_TTL_SECS + 5))
                    .until(() -> given().get(frontend + "/health")
                                    .jsonPath()
                                    .getList("instances")
                                    .size()
                            == 6);
        }
    }

    @AfterAll
    void stopCluster() {
        Processes.closeAll(cluster);
    }

    static String longStory(int maxTokens, boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Tell me a long long long story\"}],\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true,"
                + "\"stream\":" + stream + "}";
    }

    /** The worker that took the request, found by Dynamo's log line, once it appears. */
    static Worker servingWorker(String requestId) {
        Awaitility.await("a worker logs the request")
                .atMost(Duration.ofSeconds(5))
                .until(() -> workers.stream().anyMatch(w -> w.served(requestId)));
        return workers.stream().filter(w -> w.served(requestId)).findFirst().orElseThrow();
    }

    static double metric(String url, String nameAndLabels) {
        String text =
                given().header("Accept", "text/plain").get(url + "/metrics").asString();
        for (String line : text.split("\n")) {
            // The Prometheus text writer may end a label set with a comma: {a="1",}.
            String normalized = line.replace(",}", "}");
            if (normalized.startsWith(nameAndLabels + " ")) {
                return Double.parseDouble(
                        normalized.substring(nameAndLabels.length() + 1).trim());
            }
        }
        return 0;
    }

    @Test
    @Order(1)
    void sigkillMidStreamWithMigrationCompletesTheStreamSeamlessly() throws Exception {
        StreamRun run = StreamRun.post(migrating + "/v1/chat/completions", longStory(120, true), (count, r) -> {
            if (count == 5) {
                servingWorker(r.requestId).process().kill();
            }
            return true;
        });
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done, "the stream ends with [DONE]");
        assertEquals("length", run.finishReason);
        System.out.printf(
                "%s: longest gap between chunks across the SIGKILL and migration: %d ms%n",
                requestPlane(), run.maxGapMillis());
        assertTrue(
                run.maxGapMillis() <= migrationGapBound().toMillis(),
                "longest gap between chunks: " + run.maxGapMillis() + " ms");
        String migrated = frontends.get(0).output();
        Matcher cause = Pattern.compile("Stream disconnected\\.\\.\\. recreating stream\\.\\.\\. Disconnected: (.*)")
                .matcher(migrated);
        assertTrue(cause.find(), "the migrating frontend logged why it migrated:\n" + migrated);
        assertEquals(deathNoticedBySilence(), cause.group(1).contains("silence timeout"), cause.group(1));
        // The mock engine is deterministic and its next token depends only on the tokens so far, so
        // an uninterrupted run of the same request is the reference: no token lost, none repeated.
        String reference = given().contentType("application/json")
                .body(longStory(120, false))
                .post(migrating + "/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("choices[0].message.content");
        assertEquals(reference, run.content());
        assertEquals(120, run.pieces.size());
        assertTrue(metric(
                        migrating,
                        "dynamo_frontend_model_migration_total{migration_type=\"ongoing_request\",model=\"mock-model\"}")
                >= 1);
    }

    @Test
    @Order(2)
    void sigkillMidStreamWithoutMigrationEndsWithAnErrorEvent() throws Exception {
        StreamRun run = StreamRun.post(notMigrating + "/v1/chat/completions", longStory(120, true), (count, r) -> {
            if (count == 5) {
                servingWorker(r.requestId).process().kill();
            }
            return true;
        });
        assertEquals(200, run.status);
        assertTrue(run.errorEvent, "an SSE event: error");
        assertFalse(run.done);
        assertTrue(run.pieces.size() < 120);
        AppProcess frontend = frontends.get(1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> frontend.output()
                .contains("Cannot recreate stream"));
    }

    @Test
    @Order(3)
    void maxSeqLenOneDisablesMigration() throws Exception {
        StreamRun run = StreamRun.post(seqLenOne + "/v1/chat/completions", longStory(120, true), (count, r) -> {
            if (count == 5) {
                servingWorker(r.requestId).process().kill();
            }
            return true;
        });
        assertTrue(run.errorEvent, "no migration: an SSE event: error");
        assertEquals(
                1.0,
                metric(seqLenOne, "dynamo_frontend_model_migration_max_seq_len_exceeded_total{model=\"mock-model\"}"));
    }

    @Test
    @Order(4)
    void clientDisconnectKillsTheRequestAndFreesItsBlocks() throws Exception {
        String[] id = new String[1];
        StreamRun.post(migrating + "/v1/chat/completions", longStory(2000, true), (count, r) -> {
            id[0] = r.requestId;
            return count < 5; // then the client hangs up
        });
        Worker worker = servingWorker(id[0]);
        Awaitility.await("worker aborts")
                .atMost(Duration.ofSeconds(5))
                .until(() -> worker.process().output().contains("Aborted Request ID: " + id[0]));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> metric(
                                migrating,
                                "dynamo_frontend_model_cancellation_total{endpoint=\"chat_completions\",model=\"mock-model\",request_type=\"stream\"}")
                        == 1.0);
        String workerMetrics = "http://127.0.0.1:" + worker.port();
        assertEquals(
                1.0,
                metric(
                        workerMetrics,
                        "dynamo_component_cancellation_total{dynamo_component=\"backend\",dynamo_endpoint=\"generate\",dynamo_namespace=\"dynamo\"}"));
        LoadMetrics load = loadMetrics(worker);
        assertEquals(0, load.activeSequences());
        assertEquals(0, load.activeDecodeBlocks());
    }

    @Test
    @Order(5)
    void sigtermUnderSteadyLoadLosesNothingAndExitsZero() throws Exception {
        Worker leaving = workers.get(0);
        Worker staying = workers.get(1);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        long endAt = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            clients.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < endAt) {
                    sent.incrementAndGet();
                    int status = given().contentType("application/json")
                            .body(longStory(10, false))
                            .post(migrating + "/v1/chat/completions")
                            .statusCode();
                    if (status != 200) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sent.get() >= 10);
        long servedBefore = countServed(staying);
        leaving.process().stop();
        assertEquals(
                0,
                leaving.process().awaitExit(Duration.ofSeconds(30)),
                leaving.process().output());
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(0, failures.get(), "failed requests out of " + sent.get());
        assertTrue(countServed(staying) > servedBefore, "the other worker takes new requests");
    }

    static long countServed(Worker worker) {
        return worker.process()
                .output()
                .lines()
                .filter(l -> l.contains("Decode Request ID: "))
                .count();
    }

    /** Asks the worker's load_metrics endpoint over the cluster's request plane, at the address it published. */
    LoadMetrics loadMetrics(Worker worker) throws Exception {
        String id = InstanceId.fromHex(worker.instanceHex()).decimal();
        Map<String, Object> transport =
                given().get(migrating + "/health").jsonPath().<Map<String, Object>>getList("instances").stream()
                        .filter(i -> i.get("endpoint").equals("load_metrics")
                                && i.get("instance_id").toString().equals(id))
                        .findFirst()
                        .map(i -> (Map<String, Object>) i.get("transport"))
                        .orElseThrow();
        try (RequestPlane plane = requestPlane().equals("nats")
                ? NatsRequestPlane.connect(cluster.nats().url(), NatsPlaneSettings.defaults())
                : TcpRequestPlane.create(TcpPlaneSettings.defaults(), null)) {
            String address = transport.values().iterator().next().toString();
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            plane.call(address, "it-load", new byte[0], new ResponseObserver() {
                @Override
                public void onData(byte[] data) {
                    answer.complete(data);
                }

                @Override
                public void onComplete() {}

                @Override
                public void onError(StreamError error) {
                    answer.completeExceptionally(new AssertionError(error.toString()));
                }
            });
            LoadMetrics load = new ObjectMapper().readValue(answer.get(10, TimeUnit.SECONDS), LoadMetrics.class);
            assertNotNull(load);
            return load;
        }
    }
}
