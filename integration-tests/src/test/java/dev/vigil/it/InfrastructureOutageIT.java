package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.transport.nats.NatsPlaneSettings;
import dev.vigil.testing.AppProcess;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.EtcdServer;
import dev.vigil.testing.NatsServer;
import dev.vigil.testing.Processes;

/**
 * NATS and etcd going away under a running cluster (issue 4 §7, scenarios 8 and 9): a NATS restart
 * is ridden out without restarting anything; losing etcd for longer than the lease makes workers
 * exit so their orchestrator restarts them, and a worker started once etcd is back registers;
 * with {@code DYN_ETCD_LEASE_LOSS=reregister} workers ride out the same outage instead.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfrastructureOutageIT {

    static final int LEASE_TTL_SECS = 3;
    static final Pattern READY = Pattern.compile("Worker ready: instance ([0-9a-f]+)");
    static final Duration START = Duration.ofSeconds(60);
    static final String CHAT =
            "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":3}";

    static Cluster cluster;
    static EtcdServer etcd;
    static NatsServer nats;
    static AppProcess worker;
    static AppProcess frontend;
    static String api;

    @BeforeAll
    static void startCluster() {
        // NATS outages are what this class is about: the NATS plane.
        cluster = Cluster.builder("outage")
                .requestPlane("nats")
                .env(EnvNames.DYN_ETCD_LEASE_TTL, String.valueOf(LEASE_TTL_SECS))
                .workerEnv(EnvNames.DYN_MOCKER_ITL_MS, "1")
                .frontendEnv(EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        etcd = cluster.etcd();
        nats = cluster.nats();
        worker = cluster.worker(0).process();
        frontend = cluster.frontend().process();
        api = cluster.frontend().url();
        awaitServing();
    }

    static void awaitServing() {
        Awaitility.await("the frontend serves mock-model")
                .atMost(START)
                .until(() -> given().contentType("application/json")
                                .body(CHAT)
                                .post(api + "/v1/chat/completions")
                                .statusCode()
                        == 200);
    }

    @AfterAll
    static void stopCluster() {
        Processes.closeAll(cluster);
    }

    @Test
    @Order(1)
    void natsRestartIsRiddenOutWithoutRestartingAnyProcess() {
        nats.kill();
        // During the outage a request fails with 503; it does not hang. Without retries (the
        // default) one attempt waits at most the plane's acknowledgement timeout; the rest of the
        // bound is room for a loaded machine, far below a client's own timeout.
        Duration bound = NatsPlaneSettings.defaults().ackTimeout().plusSeconds(8);
        long t0 = System.nanoTime();
        int status = given().contentType("application/json")
                .body(CHAT)
                .post(api + "/v1/chat/completions")
                .statusCode();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals(503, status);
        assertTrue(took.compareTo(bound) < 0, "answered in " + took.toMillis() + " ms");

        nats.start();
        awaitServing();
        assertTrue(worker.alive(), "the worker was not restarted");
        assertTrue(frontend.alive(), "the frontend was not restarted");
    }

    @Test
    @Order(2)
    void losingEtcdStopsWorkersAndAWorkerStartedAfterItReturnsRegisters() {
        etcd.kill();
        // The frontend keeps serving what it knows and says what is wrong.
        Awaitility.await("frontend reports discovery trouble")
                .atMost(Duration.ofSeconds(LEASE_TTL_SECS))
                .until(() -> given().get(api + "/health").asString().contains("\"message\":\"Discovery unavailable: "));
        given().get(api + "/health").then().statusCode(200);
        int exit = worker.awaitExit(Duration.ofSeconds(LEASE_TTL_SECS + 5));
        assertNotEquals(0, exit, worker.output());
        assertTrue(worker.output().contains("Unable to maintain lease. Check etcd server status"), worker.output());

        etcd.start();
        worker = cluster.addWorker().process(); // outage-worker-2
        // The frontend's watch resumes by itself and sees the new worker.
        Awaitility.await("frontend lists the new worker")
                .atMost(START)
                .until(() -> given().get(api + "/health")
                                .jsonPath()
                                .getList("instances")
                                .size()
                        == 3);
        awaitServing();
        assertTrue(frontend.alive());
        assertTrue(!given().get(api + "/health").asString().contains("Discovery unavailable"), "trouble cleared");
    }

    /**
     * Issue 12 §4: with {@code DYN_ETCD_LEASE_LOSS=reregister} an etcd outage of three lease TTLs
     * under steady load costs nothing: the workers keep serving over NATS, the frontend keeps routing
     * to the instances it knew, and once etcd is back the workers' registrations are there again.
     */
    @Test
    @Order(3)
    void withReregisterAnEtcdOutageOfThreeTtlsFailsNoRequest() throws Exception {
        // Only workers under the switch: one that exits on lease loss would fail its requests.
        cluster.workers().forEach(w -> w.process().kill());
        List<AppProcess> workers = List.of(
                cluster.addWorker(EnvNames.DYN_ETCD_LEASE_LOSS, "reregister").process(),
                cluster.addWorker(EnvNames.DYN_ETCD_LEASE_LOSS, "reregister").process());
        // Exactly these two: keys of an earlier worker can outlive it (an etcd restart refreshes
        // leases), and a request routed to a dead one would fail for reasons this test is not about.
        Set<String> ours =
                workers.stream().map(InfrastructureOutageIT::instanceDecimal).collect(Collectors.toSet());
        Awaitility.await("the frontend lists exactly the two new workers")
                .atMost(START)
                .until(() -> Set.copyOf(
                                given().get(api + "/health").jsonPath().getList("instances.instance_id", String.class))
                        .equals(ours));
        awaitServing();

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        List<String> failed = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            while (loading.get()) {
                Response response =
                        given().contentType("application/json").body(CHAT).post(api + "/v1/chat/completions");
                sent.incrementAndGet();
                if (response.statusCode() != 200) {
                    failed.add(response.statusCode() + " " + response.asString());
                }
            }
        });
        try {
            etcd.kill();
            Awaitility.await("three lease TTLs without etcd, the workers still up")
                    .during(Duration.ofSeconds(3L * LEASE_TTL_SECS))
                    .atMost(Duration.ofSeconds(4L * LEASE_TTL_SECS))
                    .until(() -> workers.stream().allMatch(AppProcess::alive));
            etcd.start();
            Awaitility.await("discovery is back and still lists both workers")
                    .atMost(START)
                    .until(() -> {
                        String health = given().get(api + "/health").asString();
                        return !health.contains("Discovery unavailable")
                                && given().get(api + "/health")
                                                .jsonPath()
                                                .getList("instances")
                                                .size()
                                        == 6;
                    });
        } finally {
            loading.set(false);
            load.get(30, TimeUnit.SECONDS);
        }
        System.out.printf(
                "[InfrastructureOutageIT] etcd down %d s (3 lease TTLs) under load: %d requests, %d failed%n",
                3 * LEASE_TTL_SECS, sent.get(), failed.size());
        assertEquals(List.of(), failed);
        assertTrue(sent.get() > 20, "requests sent during the outage: " + sent.get());
        for (AppProcess w : workers) {
            assertTrue(w.alive(), w.output());
            assertTrue(w.output().contains("not renewed within its TTL"), w.output());
        }
    }

    /** The worker's instance id as /health prints it, from its "Worker ready" line. */
    static String instanceDecimal(AppProcess worker) {
        Awaitility.await(worker + " ready").atMost(START).until(() -> READY.matcher(worker.output())
                .find());
        Matcher m = READY.matcher(worker.output());
        m.find();
        return InstanceId.fromHex(m.group(1)).decimal();
    }
}
