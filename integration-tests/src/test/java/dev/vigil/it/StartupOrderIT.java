package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Start-up order does not matter ({@code ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS}, Dynamo's, and {@code
 * NATS_STARTUP_CONNECT_TIMEOUT_SECONDS}, Vigil's): a frontend and a worker started before etcd, or
 * before nats-server on the NATS plane, wait for it, saying so every 10 s, and serve once it is up.
 */
@Timeout(180)
class StartupOrderIT {

    static final Duration START = Duration.ofSeconds(60);
    /** Longer than one 10 s report interval, so each app has said it is still waiting. */
    static final Duration ETCD_ABSENT = Duration.ofSeconds(12);

    static final String CHAT =
            "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":3}";

    @Test
    void aFrontendAndAWorkerStartedBeforeEtcdServeOnceItIsUp() {
        Cluster cluster = Cluster.builder("startup-order")
                .etcdStartedLater()
                .frontendEnv("DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS", "0")
                .start();
        startedBeforeItServeOnceItIsUp(
                cluster,
                "etcd",
                "Cannot reach etcd at " + cluster.etcd().endpoint() + ": still trying, ",
                () -> cluster.etcd().start());
    }

    /**
     * The same on the NATS plane ({@code NATS_STARTUP_CONNECT_TIMEOUT_SECONDS}, Vigil's, default
     * 120 s): etcd is up, nats-server is not; both apps wait for it, saying so every 10 s, and serve
     * once it is up.
     */
    @Test
    void aFrontendAndAWorkerStartedBeforeNatsServeOnceItIsUp() {
        Cluster cluster = Cluster.builder("startup-order-nats")
                .requestPlane("nats")
                .natsStartedLater()
                .frontendEnv("DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS", "0")
                .start();
        startedBeforeItServeOnceItIsUp(
                cluster,
                "nats-server",
                "Cannot reach NATS at " + cluster.nats().url() + ": still trying, ",
                () -> cluster.nats().start());
    }

    /**
     * Starts a frontend and a worker while {@code what} is down, checks both wait for it (alive, and
     * saying {@code waitingLine}), runs {@code startIt}, and waits for a chat through the frontend.
     */
    private static void startedBeforeItServeOnceItIsUp(
            Cluster cluster, String what, String waitingLine, Runnable startIt) {
        try {
            Cluster.App frontend = cluster.frontend(null).start();
            Cluster.App worker = cluster.addWorker();
            Awaitility.await("both apps waited " + ETCD_ABSENT.toSeconds() + " s for " + what)
                    .during(ETCD_ABSENT)
                    .atMost(ETCD_ABSENT.plusSeconds(5))
                    .until(() -> frontend.process().alive() && worker.process().alive());
            for (Cluster.App app : new Cluster.App[] {frontend, worker}) {
                Awaitility.await(app.name() + " says it still waits")
                        .atMost(Duration.ofSeconds(15))
                        .until(() -> app.process().output().contains(waitingLine));
            }

            startIt.run();
            frontend.awaitLive(START);
            Awaitility.await("a chat through the frontend that came up before " + what)
                    .atMost(START)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> given().contentType("application/json")
                                    .body(CHAT)
                                    .post(frontend.url("/v1/chat/completions"))
                                    .statusCode()
                            == 200);
            assertTrue(worker.process().alive(), worker.process().output());
        } finally {
            Processes.closeAll(cluster);
        }
    }

    /**
     * {@code DYN_ROUTER_MIN_INITIAL_WORKERS=2}: with one worker the frontend serves it but tells its
     * load balancer it is not ready; the second makes it ready, and losing one later does not undo it.
     */
    @Test
    void readinessIsHeldUntilTheInitialWorkersAreRoutable() {
        Cluster cluster = Cluster.builder("initial-workers")
                .frontendEnv(
                        EnvNames.DYN_ROUTER_MIN_INITIAL_WORKERS, "2", "DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS", "0")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        try {
            String api = cluster.frontend().url();
            Awaitility.await("the first worker serves")
                    .atMost(START)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> given().contentType("application/json")
                                    .body(CHAT)
                                    .post(api + "/v1/chat/completions")
                                    .statusCode()
                            == 200);
            given().get(api + "/health")
                    .then()
                    .statusCode(503)
                    .contentType("application/json")
                    .body("status", equalTo("not_ready"))
                    .body(
                            "message",
                            equalTo("Waiting for 2 routable workers (DYN_ROUTER_MIN_INITIAL_WORKERS), 1 so far"));

            Cluster.App second = cluster.addWorker();
            Awaitility.await("ready with two workers")
                    .atMost(START)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> given().get(api + "/health").statusCode() == 200);

            second.process().stop();
            Awaitility.await("the second worker has left")
                    .atMost(START)
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> given()
                                            .get(api + "/health")
                                            .jsonPath()
                                            .<java.util.Map<String, Object>>getList("instances")
                                            .stream()
                                            .map(i -> i.get("instance_id"))
                                            .distinct()
                                            .count()
                                    == 1);
            given().get(api + "/health").then().statusCode(200);
        } finally {
            Processes.closeAll(cluster);
        }
    }
}
