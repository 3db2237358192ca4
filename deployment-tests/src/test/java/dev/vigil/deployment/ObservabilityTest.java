package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.testing.PromQl;

/**
 * The observability files ({@code observability/}): every metric the Grafana dashboard and the alert
 * rules query is one Vigil exposes, the dashboard is well formed, and the Kubernetes ConfigMaps
 * carry exactly these files. {@code PromtoolIT} runs the rules' unit tests; the integration tests'
 * {@code ObservabilityIT} proves a real Prometheus gets every dashboard metric from a running cluster.
 */
class ObservabilityTest {

    static final Path DASHBOARD = Repo.path("observability/grafana/dashboards/vigil.json");
    static final Path ALERTS = Repo.path("observability/prometheus/alerts.yml");

    /** Series Prometheus makes itself, which rules may use. */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");

    static List<String> dashboardQueries() throws IOException {
        return PromQl.dashboardQueries(DASHBOARD);
    }

    static Set<String> metricNames(String promql) {
        return PromQl.metricNames(promql);
    }

    /**
     * Every series name Vigil's own metrics can render as: each {@code dynamo.*} (a series Dynamo has
     * too) and {@code vigil.*} (one only Vigil has) constant of the apps' MetricNames classes, with the suffixes Micrometer's Prometheus writer adds (a counter's
     * {@code _total}, a timer's {@code _seconds}, a histogram's {@code _bucket}/{@code _count}/{@code
     * _sum}, and {@code _max}).
     */
    static Set<String> vigilSeries() throws Exception {
        List<URL> dirs = new ArrayList<>();
        for (String module : List.of("health-common", "frontend", "worker")) {
            dirs.add(Repo.path(module + "/target/classes").toUri().toURL());
        }
        Set<String> series = new HashSet<>();
        try (URLClassLoader loader = new URLClassLoader(dirs.toArray(URL[]::new), null)) {
            for (String type : List.of(
                    "dev.vigil.health.metrics.MetricNames",
                    "dev.vigil.frontend.metrics.MetricNames",
                    "dev.vigil.worker.metrics.WorkerMetricNames")) {
                for (Field field : loader.loadClass(type).getFields()) {
                    if (Modifier.isStatic(field.getModifiers())
                            && field.get(null) instanceof String value
                            && (value.startsWith("dynamo.") || value.startsWith("vigil."))) {
                        String base = value.replace('.', '_');
                        for (String unit : List.of("", "_seconds")) {
                            for (String suffix : List.of("", "_total", "_bucket", "_count", "_sum", "_max")) {
                                series.add(base + unit + suffix);
                            }
                        }
                    }
                }
            }
        }
        return series;
    }

    @Test
    void everyDashboardQuerySelectsOnlyMetricsVigilExposes() throws Exception {
        Set<String> known = vigilSeries();
        List<String> queries = dashboardQueries();
        assertTrue(queries.size() >= 20, "the dashboard has its panels: " + queries.size());
        for (String query : queries) {
            Set<String> names = metricNames(query);
            assertFalse(names.isEmpty(), "no metric in " + query);
            for (String name : names) {
                assertTrue(known.contains(name), name + " (in " + query + ") is not a metric Vigil exposes");
            }
        }
    }

    @Test
    void everyAlertRuleSelectsOnlyMetricsVigilOrPrometheusMake() throws Exception {
        Set<String> known = vigilSeries();
        known.addAll(PROMETHEUS_SERIES);
        List<Map<String, Object>> rules = new ArrayList<>();
        Tree.maps(YamlFiles.load(ALERTS), "groups").forEach(g -> rules.addAll(Tree.maps(g, "rules")));
        assertTrue(rules.size() >= 9, "alert rules: " + rules.size());
        for (Map<String, Object> rule : rules) {
            String expr = Tree.string(rule, "expr");
            for (String name : metricNames(expr)) {
                assertTrue(known.contains(name), name + " (in " + Tree.string(rule, "alert") + ") is not exposed");
            }
        }
    }

    @Test
    void theMetricNameExtractionSeesSeriesNotFunctionsLabelsOrKeywords() {
        assertEquals(
                Set.of("dynamo_frontend_time_to_first_token_seconds_bucket"),
                metricNames(
                        "histogram_quantile(0.99, sum by (le, model) (rate(dynamo_frontend_time_to_first_token_seconds_bucket{model=~\"$model\",x=\"a}b\"}[$__rate_interval])))"));
        assertEquals(
                Set.of("a_total", "b_total"),
                metricNames("sum without (instance) (rate(a_total[5m])) / on (model) group_left b_total > 0.05"));
    }

    @Test
    void theDashboardIsWellFormed() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("vigil", dashboard.get("uid").asText());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "panel id twice: " + panel.get("id"));
            if (!panel.get("type").asText().equals("row")) {
                assertEquals(
                        "${datasource}",
                        panel.path("datasource").path("uid").asText(),
                        panel.get("title").asText());
                assertFalse(panel.path("targets").isEmpty(), panel.get("title").asText());
            }
        }
    }

    @Test
    void theKubernetesConfigMapsCarryExactlyTheObservabilityFiles() throws IOException {
        List<Map<String, Object>> objects = YamlFiles.loadAll(Repo.path("k8s/base/monitoring.yaml"));
        String hint = " differs from observability/: run observability/render-k8s.sh";
        Map<String, Object> dashboard = Manifests.find(objects, "ConfigMap", "vigil-grafana-dashboard");
        assertEquals("1", Tree.string(dashboard, "metadata", "labels", "grafana_dashboard"));
        assertEquals(Files.readString(DASHBOARD), Tree.string(dashboard, "data", "vigil.json"), "dashboard" + hint);
        Map<String, Object> rules = Manifests.find(objects, "ConfigMap", "vigil-prometheus-rules");
        assertEquals(Files.readString(ALERTS), Tree.string(rules, "data", "vigil-alerts.yml"), "alert rules" + hint);
    }
}
