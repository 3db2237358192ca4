package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.AppProcess;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.FreePort;
import dev.vigil.testing.Processes;

/** The packaged frontend: /live, /health, and what SIGTERM does to them. */
@Timeout(120)
class FrontendStatusIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final int GRACE_SECS = 3;

    /** etcd and NATS for the class; each test starts its own frontend. */
    static Cluster cluster;

    @BeforeAll
    static void startServers() {
        cluster = Cluster.builder("frontend-status").start();
    }

    @AfterAll
    static void stopServers() {
        Processes.closeAll(cluster);
    }

    /**
     * A frontend on {@code port} with etcd, NATS and its address set, plus {@code more}; once it
     * answers.
     */
    static AppProcess frontend(String name, int port, String... more) {
        return cluster.frontend(name)
                .port(port)
                .env(more)
                .start()
                .awaitLive(START)
                .process();
    }

    @Test
    void liveAndHealthThenDrainingDuringTheGraceWindow() {
        int port = FreePort.next();
        String base = "http://127.0.0.1:" + port;
        try (AppProcess app = frontend(
                String.valueOf(port),
                port,
                EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS,
                String.valueOf(GRACE_SECS))) {
            given().get(base + "/live")
                    .then()
                    .statusCode(200)
                    .contentType("application/json")
                    .body(equalTo("{\"message\":\"Service is live\",\"status\":\"live\"}"));
            given().get(base + "/health")
                    .then()
                    .statusCode(200)
                    .contentType("application/json")
                    .body(equalTo(
                            "{\"instances\":[],\"message\":\"No endpoints available\",\"status\":\"unhealthy\"}"));

            app.stop();
            // Draining: load balancers see not_ready at once, liveness probes still see a live process.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(GRACE_SECS))
                    .until(() -> given().get(base + "/health").statusCode() == 503);
            given().get(base + "/health")
                    .then()
                    .statusCode(503)
                    .contentType("application/json")
                    .body(equalTo(
                            "{\"message\":\"Service is draining\",\"stage\":\"draining\",\"status\":\"not_ready\"}"));
            given().get(base + "/live")
                    .then()
                    .statusCode(200)
                    .body(equalTo("{\"message\":\"Service is live\",\"status\":\"live\"}"));
            assertEquals(0, app.awaitExit(Duration.ofSeconds(GRACE_SECS + 15)), "a graceful stop exits 0");
        }
    }

    @Test
    void unhealthyStatusCanGateAReadinessProbe() {
        int port = FreePort.next();
        String base = "http://127.0.0.1:" + port;
        try (AppProcess app = frontend(
                "503-" + port,
                port,
                EnvNames.DYN_HTTP_SVC_HEALTH_UNHEALTHY_STATUS,
                "503",
                EnvNames.DYN_HTTP_SVC_HEALTH_PATH,
                "/custom/health")) {
            given().get(base + "/custom/health").then().statusCode(503);
            given().get(base + "/health").then().statusCode(404);
        }
    }

    @Test
    void badPortStopsStartUpWithOneLine() {
        try (AppProcess app = AppProcess.start(
                "frontend-bad-port", AppProcess.frontendJar(), AppProcess.env(EnvNames.DYN_HTTP_PORT, "http"))) {
            int exit = app.awaitExit(START);
            assertNotEquals(0, exit);
            assertEquals(
                    "Invalid configuration: DYN_HTTP_PORT=\"http\": expected an integer port 0-65535",
                    app.output().strip());
        }
    }

    @Test
    void badProbeConfigurationStopsStartUpWithOneLine() {
        try (AppProcess app = cluster.frontend("bad-probes")
                .env(EnvNames.DYN_PROBES, "[{type: http, url: /health, body: hello}]")
                .start()
                .process()) {
            assertNotEquals(0, app.awaitExit(START));
            assertEquals(
                    "Invalid configuration: DYN_PROBES: probe 1 (/health): field 'body': not allowed with method get;"
                            + " set method to post, put, patch or delete",
                    app.output().strip());
        }
    }

    @Test
    void probeSecretsDirectoryMustExist() {
        try (AppProcess app = cluster.frontend("bad-probe-env-dir")
                .env(
                        EnvNames.DYN_PROBES, "[{type: http, url: /health}]",
                        EnvNames.DYN_PROBES_ENV_DIR, "/nonexistent/probe-secrets")
                .start()
                .process()) {
            assertNotEquals(0, app.awaitExit(START));
            assertEquals(
                    "Invalid configuration: DYN_PROBES_ENV_DIR=\"/nonexistent/probe-secrets\": expected a directory of"
                            + " secret files, one per variable name",
                    app.output().strip());
        }
    }
}
