package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import dev.vigil.testing.AppProcess;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.EtcdServer;
import dev.vigil.testing.NatsServer;
import dev.vigil.testing.Processes;

/**
 * NATS and etcd going away under a running cluster (issue 4 §7, scenarios 8 and 9): a NATS restart
 * is ridden out without restarting anything; losing etcd for longer than the lease makes workers
 * exit so their orchestrator restarts them, and a worker started once etcd is back registers.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfrastructureOutageIT {

    static final int LEASE_TTL_SECS = 3;
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
        cluster = Cluster.builder("outage")
                .env("DYN_ETCD_LEASE_TTL", String.valueOf(LEASE_TTL_SECS))
                .workerEnv("DYN_MOCKER_ITL_MS", "1")
                .frontendEnv("DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS", "0")
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
        // During the outage a request fails fast with 503; it does not hang.
        long t0 = System.nanoTime();
        int status = given().contentType("application/json")
                .body(CHAT)
                .post(api + "/v1/chat/completions")
                .statusCode();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(503, status);
        assertTrue(tookMs < 5_000, "answered in " + tookMs + " ms");

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
}
