package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.AppProcess;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.FreePort;
import dev.vigil.testing.Processes;

/**
 * The packaged worker's system status server, started with environment variables as a user starts
 * it, next to a real etcd shared by the class. Workers that must stay "before
 * endpoints are served" get a long simulated model load ({@code DYN_MOCKER_STARTUP_DELAY_MS}).
 */
@Timeout(180)
class WorkerSystemStatusIT {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final Duration START = Duration.ofSeconds(30);
    private static final String LOADING_FOREVER = "3600000";

    /** etcd for the class (the TCP plane needs no broker); each test starts its own worker. */
    static Cluster cluster;

    @BeforeAll
    static void startServers() {
        cluster = Cluster.builder("worker-status").start();
    }

    @AfterAll
    static void stopServers() {
        Processes.closeAll(cluster);
    }

    private static AppProcess worker(int port, String... env) {
        Map<String, String> vars = AppProcess.env(env);
        vars.putIfAbsent(EnvNames.DYN_MOCKER_STARTUP_DELAY_MS, LOADING_FOREVER);
        return cluster.worker(String.valueOf(port))
                .port(port)
                .env(vars)
                .start()
                .awaitAnswering("/q/health/live", START)
                .process();
    }

    private static String url(int port, String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void seedExampleBeforeEndpointsAreServed() {
        int port = FreePort.next();
        try (AppProcess app = worker(port, EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]")) {
            for (String path : List.of("/health", "/live", "/ready")) {
                Response response = given().get(url(port, path));
                assertEquals(503, response.statusCode(), path);
                assertEquals(TEXT, response.contentType(), path);
                Map<String, Object> body = JsonPath.from(response.asString()).getMap("$");
                assertEquals(Set.of("endpoints", "status", "uptime"), body.keySet(), path);
                assertEquals(Map.of("generate", "notready"), body.get("endpoints"), path);
                assertEquals("notready", body.get("status"), path);
                assertEquals(String.valueOf(response.asString().length()), response.header("content-length"));
            }
            given().get(url(port, "/unknown"))
                    .then()
                    .statusCode(404)
                    .contentType("application/json")
                    .body("error", equalTo("Route not found"))
                    .body("message", equalTo("Route GET /unknown not found"));
            given().get(url(port, "/q/health/ready")).then().statusCode(503);
            given().get(url(port, "/q/health/live")).then().statusCode(503);
            given().get(url(port, "/metrics"))
                    .then()
                    .statusCode(200)
                    .body(containsString("dynamo_component_uptime_seconds"))
                    // The text format's writer ends a label set with a comma.
                    .body(containsString("dynamo_component_endpoint_health{dynamo_endpoint=\"generate\",} 0.0"));

            double first = uptime(given().get(url(port, "/health")).asString());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> uptime(given().get(url(port, "/health")).asString()) > first);
        }
    }

    @Test
    void seedExampleAfterEndpointsAreServed() {
        int port = FreePort.next();
        try (AppProcess app = worker(
                port,
                EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                "[\"generate\"]",
                EnvNames.DYN_MOCKER_STARTUP_DELAY_MS,
                "5000")) {
            // Long enough that the first look, right after the status port opens, comes before the
            // engine has loaded even on a loaded machine: what is asserted is 503 before, 200 after.

            given().get(url(port, "/health")).then().statusCode(503);
            Awaitility.await("all three endpoints served")
                    .atMost(START)
                    .until(() -> JsonPath.from(given().get(url(port, "/health")).asString())
                                    .getMap("endpoints")
                                    .size()
                            == 3);
            Response response = given().get(url(port, "/health"));
            assertEquals(TEXT, response.contentType());
            JsonPath body = JsonPath.from(response.asString());
            assertEquals("ready", body.getString("status"));
            assertEquals(
                    Map.of("clear_kv_blocks", "ready", "generate", "ready", "load_metrics", "ready"),
                    body.getMap("endpoints"));
            given().get(url(port, "/live")).then().statusCode(200);
            given().get(url(port, "/q/health/ready")).then().statusCode(200);
            given().get(url(port, "/metrics"))
                    .then()
                    .body(containsString("dynamo_component_endpoint_health{dynamo_endpoint=\"generate\",} 1.0"));
        }
    }

    @Test
    void withTheCanaryOnGenerateIsNotReadyUntilTheFirstCanaryOneWaitTimeLater() {
        Duration wait = Duration.ofSeconds(5);
        int port = FreePort.next();
        try (AppProcess app = worker(
                port,
                EnvNames.DYN_HEALTH_CHECK_ENABLED,
                "true",
                EnvNames.DYN_CANARY_WAIT_TIME,
                String.valueOf(wait.toSeconds()),
                EnvNames.DYN_MOCKER_STARTUP_DELAY_MS,
                "0")) {
            // Served and registered, but not yet proven by a canary (one wait time away). The three
            // endpoints register one after another: wait for all of them, not just the first.
            Awaitility.await("every endpoint registered")
                    .pollInterval(Duration.ofMillis(50))
                    .atMost(START)
                    .until(() -> {
                        String health = given().get(url(port, "/health")).asString();
                        return health.contains("\"generate\"")
                                && health.contains("\"clear_kv_blocks\"")
                                && health.contains("\"load_metrics\"");
                    });
            Response before = given().get(url(port, "/health"));
            assertEquals(503, before.statusCode(), before.asString());
            assertEquals("notready", JsonPath.from(before.asString()).getString("endpoints.generate"));
            assertEquals("ready", JsonPath.from(before.asString()).getString("endpoints.load_metrics"));

            Awaitility.await("first canary")
                    .atMost(wait.multipliedBy(2))
                    .until(() -> given().get(url(port, "/health")).statusCode() == 200);
            assertTrue(
                    app.output()
                            .contains(
                                    "INFO  [de.vi.he.ca.CanaryScheduler] Canary timer expired for generate, sending health check"),
                    app.output());
            assertTrue(
                    app.output().contains("INFO  [de.vi.he.ca.CanaryScheduler] Health check successful for generate"),
                    app.output());
            given().get(url(port, "/metrics"))
                    .then()
                    .body(containsString(
                            "dynamo_component_canary_total{dynamo_endpoint=\"generate\",result=\"ok\",} 1.0"));
        }
    }

    @Test
    void injectedEngineDeathStopsTheWorkerWithExitCodeOneWithinSixSeconds() {
        int port = FreePort.next();
        try (AppProcess app = worker(
                port,
                EnvNames.DYN_FAULT_INJECTION_ENABLED,
                "true",
                EnvNames.DYN_MOCKER_STARTUP_DELAY_MS,
                "0",
                EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                "[\"generate\"]")) {
            Awaitility.await()
                    .atMost(START)
                    .until(() -> given().get(url(port, "/health")).statusCode() == 200);
            given().contentType("application/json")
                    .body("{\"mode\":\"bogus\"}")
                    .post(url(port, "/engine/fault"))
                    .then()
                    .statusCode(400)
                    .body(containsString("Invalid mode"));
            given().contentType("application/json")
                    .body("{\"mode\":\"die\"}")
                    .post(url(port, "/engine/fault"))
                    .then()
                    .statusCode(200);
            assertEquals(1, app.awaitExit(Duration.ofSeconds(6)), app.output());
            assertTrue(app.output().contains("Initiating Dynamo Runtime shutdown."), app.output());
        }
    }

    @Test
    void faultInjectionRouteDoesNotExistUnlessEnabled() {
        int port = FreePort.next();
        try (AppProcess app = worker(port)) {
            given().contentType("application/json")
                    .body("{\"mode\":\"die\"}")
                    .post(url(port, "/engine/fault"))
                    .then()
                    .statusCode(404)
                    .body("error", equalTo("Route not found"));
        }
    }

    @Test
    void unreachableEtcdStopsStartUpWithOneLine() {
        Map<String, String> env = AppProcess.env(
                EnvNames.ETCD_ENDPOINTS,
                "http://127.0.0.1:" + FreePort.next(),
                // The start-up wait for etcd (120 s by default) cut short: the test is the exit.
                EnvNames.ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS,
                "2",
                EnvNames.DYN_SYSTEM_HOST,
                "127.0.0.1",
                EnvNames.DYN_SYSTEM_PORT,
                String.valueOf(FreePort.next()));
        try (AppProcess app = AppProcess.start("worker-no-etcd", AppProcess.workerJar(), env)) {
            assertNotEquals(0, app.awaitExit(START), app.output());
            String last = app.output().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("Cannot reach etcd at http://127.0.0.1:"), app.output());
            assertTrue(last.contains(" (tried for 2 s)"), app.output());
        }
    }

    @Test
    void startingStatusReadyAnswers200() {
        int port = FreePort.next();
        try (AppProcess app = worker(port, EnvNames.DYN_SYSTEM_STARTING_HEALTH_STATUS, "ready")) {
            given().get(url(port, "/health"))
                    .then()
                    .statusCode(200)
                    .contentType(TEXT)
                    .body(containsString("{\"endpoints\":{},\"status\":\"ready\",\"uptime\":{\"nanos\":"));
            given().get(url(port, "/live")).then().statusCode(200);
            given().get(url(port, "/q/health/ready")).then().statusCode(200);
        }
    }

    /** Dynamo's test_health_endpoints, with Dynamo's plain-text 404 ({@code DYN_SYSTEM_ERROR_FORMAT=text}). */
    @Test
    void customPathsReplaceTheDefaults() {
        int port = FreePort.next();
        try (AppProcess app = worker(
                port,
                EnvNames.DYN_SYSTEM_STARTING_HEALTH_STATUS,
                "ready",
                EnvNames.DYN_SYSTEM_HEALTH_PATH,
                "/custom/health",
                EnvNames.DYN_SYSTEM_LIVE_PATH,
                "/custom/live",
                EnvNames.DYN_SYSTEM_ERROR_FORMAT,
                "text")) {
            given().get(url(port, "/custom/health"))
                    .then()
                    .statusCode(200)
                    .body(containsString("\"status\":\"ready\""));
            given().get(url(port, "/custom/live")).then().statusCode(200).body(containsString("\"status\":\"ready\""));
            given().get(url(port, "/health")).then().statusCode(404).body(equalTo("Route not found"));
            given().get(url(port, "/live")).then().statusCode(404).body(equalTo("Route not found"));
        }
    }

    @Test
    void shallowLiveIs200WhileNotReady() {
        int port = FreePort.next();
        try (AppProcess app = worker(port, EnvNames.DYN_SYSTEM_LIVE_SHALLOW, "true")) {
            given().get(url(port, "/health")).then().statusCode(503);
            String live = given().get(url(port, "/live"))
                    .then()
                    .statusCode(200)
                    .contentType(TEXT)
                    .extract()
                    .asString();
            assertEquals(
                    Set.of("status", "uptime"), JsonPath.from(live).getMap("$").keySet());
            assertEquals("live", JsonPath.from(live).getString("status"));
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "DYN_SYSTEM_PORT|abc|Invalid configuration: DYN_SYSTEM_PORT=\"abc\": expected an integer port 0-65535",
                "DYN_SYSTEM_PORT|65536|Invalid configuration: DYN_SYSTEM_PORT=\"65536\": expected an integer port 0-65535",
                "DYN_SYSTEM_PORT|-1|Invalid configuration: DYN_SYSTEM_PORT=\"-1\": expected an integer port 0-65535",
                "DYN_SYSTEM_STARTING_HEALTH_STATUS|Ready|Invalid configuration: DYN_SYSTEM_STARTING_HEALTH_STATUS=\"Ready\": expected 'ready' or 'notready' (lower case)",
                "DYN_SYSTEM_STARTING_HEALTH_STATUS|not_ready|Invalid configuration: DYN_SYSTEM_STARTING_HEALTH_STATUS=\"not_ready\": expected 'ready' or 'notready' (lower case)",
                "DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS|generate|Invalid configuration: DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS=\"generate\": expected a JSON array of strings, such as [\"generate\"]",
                "DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS|[1]|Invalid configuration: DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS=\"[1]\": expected a JSON array of strings, such as [\"generate\"]",
                "DYN_SYSTEM_HEALTH_PATH|health|Invalid configuration: DYN_SYSTEM_HEALTH_PATH=\"health\": expected a path starting with '/', such as /custom/health",
                "DYN_SYSTEM_LIVE_PATH|/health|Invalid configuration: DYN_SYSTEM_LIVE_PATH=\"/health\": must differ from DYN_SYSTEM_HEALTH_PATH (\"/health\")",
                "DYN_SYSTEM_LIVE_SHALLOW|yes|Invalid configuration: DYN_SYSTEM_LIVE_SHALLOW=\"yes\": expected 'true' or 'false'",
                "DYN_HEALTH_CHECK_ENABLED|1|Invalid configuration: DYN_HEALTH_CHECK_ENABLED=\"1\": expected 'true' or 'false'",
                "DYN_CANARY_WAIT_TIME|abc|Invalid configuration: DYN_CANARY_WAIT_TIME=\"abc\": expected a whole number of seconds, 0 or more",
                "DYN_CANARY_WAIT_TIME|-1|Invalid configuration: DYN_CANARY_WAIT_TIME=\"-1\": expected a whole number of seconds, 0 or more",
                "DYN_HEALTH_CHECK_REQUEST_TIMEOUT|abc|Invalid configuration: DYN_HEALTH_CHECK_REQUEST_TIMEOUT=\"abc\": expected a whole number of seconds, at least 1",
                "DYN_HEALTH_CHECK_REQUEST_TIMEOUT|-1|Invalid configuration: DYN_HEALTH_CHECK_REQUEST_TIMEOUT=\"-1\": expected a whole number of seconds, at least 1",
                "DYN_HEALTH_CHECK_STALL_TIMEOUT|-1|Invalid configuration: DYN_HEALTH_CHECK_STALL_TIMEOUT=\"-1\": expected a whole number of seconds, 0 or more",
            })
    void badConfigurationStopsStartUpWithOneLine(String variable, String value, String expectedLine) {
        Map<String, String> env = AppProcess.env(EnvNames.DYN_SYSTEM_HOST, "127.0.0.1", variable, value);
        env.putIfAbsent(EnvNames.DYN_SYSTEM_PORT, String.valueOf(FreePort.next()));
        try (AppProcess app = AppProcess.start("worker-bad-" + variable, AppProcess.workerJar(), env)) {
            int exit = app.awaitExit(START);
            assertNotEquals(0, exit, app.output());
            assertEquals(expectedLine, app.output().strip());
        }
    }

    private static double uptime(String body) {
        JsonPath json = JsonPath.from(body);
        return json.getLong("uptime.secs") + json.getLong("uptime.nanos") / 1e9;
    }
}
