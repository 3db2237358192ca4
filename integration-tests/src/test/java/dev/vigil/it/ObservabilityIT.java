package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.path.json.JsonPath;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;
import dev.vigil.testing.PromQl;
import dev.vigil.testing.PrometheusServer;
import dev.vigil.testing.PrometheusText;
import dev.vigil.testing.TestTools;

/**
 * What an operator gets from the first scrape: a real Prometheus scrapes a running cluster (two
 * workers with the canary on, a frontend with probes) and returns every metric the Grafana dashboard
 * queries; both apps' {@code /metrics} pass {@code promtool check metrics} and the strict parser.
 * Needs Prometheus (Debian: {@code apt-get install prometheus}); {@code .ci/run} installs it. What
 * Prometheus returned is written to {@code target/observability-it.txt}.
 */
// A cluster of two workers and a frontend, a Prometheus scraping it, and its queries' waits.
@Timeout(240)
class ObservabilityIT {

    static final String MODEL = "observed-model";
    static final Path DASHBOARD = Path.of("..", "observability", "grafana", "dashboards", "vigil.json");

    static Cluster cluster;
    static PrometheusServer prometheus;

    @BeforeAll
    static void start() {
        TestTools.assumeInstalled(
                PrometheusServer.installed(),
                "prometheus not installed (Debian: apt-get install prometheus): real scrape not checked");
        cluster = Cluster.builder("observed")
                .workerEnv(
                        EnvNames.DYN_MODEL_NAME, MODEL,
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]",
                        EnvNames.DYN_HEALTH_CHECK_ENABLED, "true",
                        EnvNames.DYN_CANARY_WAIT_TIME, "1",
                        EnvNames.DYN_MOCKER_ITL_MS, "2")
                .frontendEnv(EnvNames.DYN_PROBES, "[{type: http, url: /health, interval: 1s, ready_after: 1}]")
                .workers(2)
                .frontend()
                .start();
        prometheus = new PrometheusServer(Map.of(
                "vigil-frontend",
                List.of("127.0.0.1:" + cluster.frontend().port()),
                "vigil-worker",
                cluster.workers().stream().map(w -> "127.0.0.1:" + w.port()).toList()));
        prometheus.start();
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(prometheus, cluster);
    }

    static void traffic() {
        Awaitility.await("the frontend serves " + MODEL)
                .atMost(Duration.ofSeconds(30))
                .until(() -> given().get(cluster.frontend().url("/v1/models"))
                        .asString()
                        .contains(MODEL));
        for (boolean stream : new boolean[] {false, true}) {
            given().contentType("application/json")
                    .body("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                            + "\"max_tokens\":8,\"stream\":" + stream + "}")
                    .post(cluster.frontend().url("/v1/chat/completions"))
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void promtoolAndTheStrictParserAcceptBothAppsMetrics() throws Exception {
        traffic();
        for (Cluster.App app : List.of(cluster.frontend(), cluster.worker(0))) {
            // What a plain curl gets, as an operator would pipe it.
            String text = given().get(app.url("/metrics")).asString();
            PrometheusText.parse(text);
            Path promtool = promtool();
            if (promtool != null) {
                Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
                        .redirectErrorStream(true)
                        .start();
                check.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                check.getOutputStream().close();
                String output = new String(check.getInputStream().readAllBytes());
                check.waitFor(30, TimeUnit.SECONDS);
                assertEquals(0, check.exitValue(), app.name() + ": promtool check metrics:\n" + output);
            }
        }
    }

    @Test
    void aRealPrometheusGetsEveryMetricOfTheDashboard() throws IOException {
        traffic();
        Set<String> wanted = PromQl.dashboardMetrics(DASHBOARD);
        Map<String, Integer> found = new TreeMap<>();
        Awaitility.await("Prometheus has every dashboard metric")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    for (String metric : wanted) {
                        found.put(metric, series(metric));
                    }
                    return found.values().stream().allMatch(n -> n > 0);
                });
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("dashboard metrics", wanted.size());
        StringBuilder text = new StringBuilder("metric\tseries returned by Prometheus\n");
        found.forEach((metric, n) -> text.append(metric).append('\t').append(n).append('\n'));
        Files.writeString(Path.of("target", "observability-it.txt"), text);
        assertEquals(wanted, found.keySet(), report.toString());
    }

    /** How many series Prometheus has for {@code metric} now. */
    static int series(String metric) {
        JsonPath answer = JsonPath.from(given().queryParam("query", metric)
                .get(prometheus.url() + "/api/v1/query")
                .asString());
        List<Object> result = answer.getList("data.result");
        return result == null ? 0 : result.size();
    }

    static Path promtool() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
    }
}
