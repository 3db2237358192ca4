package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.vigil.runtime.config.EnvNames;

/** compose.yaml (and compose.native.yaml on top) parses and describes the cluster we mean. */
class ComposeFileTest {

    private static final Set<String> SERVICES =
            Set.of("etcd", "nats", "worker-1", "worker-2", "frontend", "prometheus", "grafana");
    private static final List<String> WORKERS = List.of("worker-1", "worker-2");

    /** Service fields of the compose specification that this file may use; a typo is not one of them. */
    private static final Set<String> SERVICE_FIELDS = Set.of(
            "profiles",
            "build",
            "image",
            "command",
            "entrypoint",
            "environment",
            "ports",
            "volumes",
            "healthcheck",
            "depends_on",
            "read_only",
            "tmpfs",
            "stop_grace_period",
            "restart",
            "deploy",
            "networks");

    static List<Arguments> variants() {
        return List.of(
                Arguments.of("jvm", ComposeFiles.load("compose.yaml")),
                Arguments.of("native", ComposeFiles.load("compose.yaml", "compose.native.yaml")));
    }

    @Test
    void topLevelFieldsAreComposeOnes() {
        for (String key : YamlFiles.load(Repo.path("compose.yaml")).keySet()) {
            assertTrue(Set.of("name", "services", "volumes", "networks").contains(key) || key.startsWith("x-"), key);
        }
        for (String key : YamlFiles.load(Repo.path("compose.native.yaml")).keySet()) {
            assertEquals("services", key, "the override only changes services");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theClusterHasEtcdNatsTwoWorkersAFrontendPrometheusAndGrafana(String variant, Map<String, Object> compose) {
        assertEquals(SERVICES, Tree.map(compose, "services").keySet());
        for (String name : SERVICES) {
            for (String field : ComposeFiles.service(compose, name).keySet()) {
                assertTrue(SERVICE_FIELDS.contains(field), name + ": unknown field " + field);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyServiceHasAHealthCheckAndWaitsForHealthyDependencies(String variant, Map<String, Object> compose) {
        for (String name : SERVICES) {
            Map<String, Object> service = ComposeFiles.service(compose, name);
            // The compose test, or the HEALTHCHECK of the image the service builds (exec form: the
            // images have no shell to run a string).
            List<String> check = ComposeFiles.healthCheck(service);
            assertTrue(check.size() > 1 && check.get(0).equals("CMD"), name + " health check " + check);
            assertNotNull(Tree.at(service, "healthcheck", "interval"), name + " sets how often it is checked");
            Map<String, Object> dependsOn = Tree.map(service, "depends_on");
            for (String dependency : dependsOn.keySet()) {
                assertTrue(SERVICES.contains(dependency), name + " depends on unknown " + dependency);
                assertEquals(
                        "service_healthy", Tree.string(dependsOn, dependency, "condition"), name + " → " + dependency);
            }
        }
        for (String worker : WORKERS) {
            assertEquals(
                    Set.of("etcd", "nats"),
                    Tree.map(ComposeFiles.service(compose, worker), "depends_on")
                            .keySet());
        }
        assertEquals(
                Set.of("etcd", "nats", "worker-1", "worker-2"),
                Tree.map(ComposeFiles.service(compose, "frontend"), "depends_on")
                        .keySet());
        assertNoCycle(compose);
    }

    /** The direct TCP plane by default, with no NATS; NATS only with {@code --profile nats}. */
    @ParameterizedTest
    @MethodSource("variants")
    void theAppsUseTheTcpPlaneUnlessTheNatsProfileIsAskedFor(String variant, Map<String, Object> compose) {
        assertEquals(List.of("nats"), Tree.list(compose, "services", "nats", "profiles"));
        for (String name : List.of("worker-1", "worker-2", "frontend")) {
            Map<String, Object> service = ComposeFiles.service(compose, name);
            assertEquals("${DYN_REQUEST_PLANE:-tcp}", ComposeFiles.env(service).get(EnvNames.DYN_REQUEST_PLANE), name);
            assertEquals(false, Tree.map(service, "depends_on", "nats").get("required"), name + " → nats");
        }
        for (String worker : WORKERS) {
            assertEquals(
                    "9100",
                    ComposeFiles.env(ComposeFiles.service(compose, worker)).get(EnvNames.DYN_TCP_RPC_PORT));
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void workerHealthChecksAskTheConfiguredHealthPathAndTheSystemPortIsPublished(
            String variant, Map<String, Object> compose) {
        Set<String> hostPorts = new HashSet<>();
        for (String worker : WORKERS) {
            Map<String, Object> service = ComposeFiles.service(compose, worker);
            Map<String, String> env = ComposeFiles.env(service);
            String port = env.get(EnvNames.DYN_SYSTEM_PORT);
            assertNotNull(port, worker + " sets DYN_SYSTEM_PORT");
            String[] target = ComposeFiles.httpTarget(ComposeFiles.healthCheck(service), env);
            assertNotNull(target, worker + " health check is an HTTP GET");
            assertEquals(port, target[0], worker + " health check port");
            assertEquals(KnownVariables.effective(env, EnvNames.DYN_SYSTEM_HEALTH_PATH), target[1], worker);
            List<Object> ports = Tree.list(service, "ports");
            assertEquals(1, ports.size(), worker);
            String[] mapping = ComposeFiles.portMapping(String.valueOf(ports.get(0)));
            assertEquals("127.0.0.1", mapping[0], worker + " publishes on the loopback address only");
            assertEquals(port, mapping[2], worker + " publishes its system port");
            assertTrue(hostPorts.add(mapping[1]), "host port " + mapping[1] + " used twice");
            // The seed's status server settings (seed 000).
            assertEquals("notready", env.get(EnvNames.DYN_SYSTEM_STARTING_HEALTH_STATUS), worker);
            assertEquals("[\"generate\"]", env.get(EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS), worker);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theFrontendHealthCheckMeansItCanServe(String variant, Map<String, Object> compose) {
        Map<String, Object> frontend = ComposeFiles.service(compose, "frontend");
        Map<String, String> env = ComposeFiles.env(frontend);
        String[] target = ComposeFiles.httpTarget(ComposeFiles.healthCheck(frontend), env);
        assertNotNull(target, "frontend health check is an HTTP GET");
        assertEquals(env.get(EnvNames.DYN_HTTP_PORT), target[0]);
        assertEquals(KnownVariables.effective(env, EnvNames.DYN_HTTP_SVC_HEALTH_PATH), target[1]);
        assertEquals(
                "503", env.get(EnvNames.DYN_HTTP_SVC_HEALTH_UNHEALTHY_STATUS), "else /health is 200 without workers");
        List<Object> ports = Tree.list(frontend, "ports");
        assertEquals(1, ports.size());
        assertEquals(
                List.of("127.0.0.1", env.get(EnvNames.DYN_HTTP_PORT), env.get(EnvNames.DYN_HTTP_PORT)),
                List.of(ComposeFiles.portMapping(String.valueOf(ports.get(0)))));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyVariableIsOneVigilReadsAndPointsAtAService(String variant, Map<String, Object> compose) {
        for (String name : List.of("worker-1", "worker-2", "frontend")) {
            Map<String, String> env = ComposeFiles.env(ComposeFiles.service(compose, name));
            for (String variable : env.keySet()) {
                assertTrue(EnvNames.ALL.contains(variable), name + ": " + variable + " is not in EnvNames.ALL");
            }
            URI etcd = URI.create(env.get(EnvNames.ETCD_ENDPOINTS));
            assertEquals("etcd", etcd.getHost(), name);
            assertTrue(
                    Tree.list(compose, "services", "etcd", "command")
                            .contains("--advertise-client-urls=http://etcd:" + etcd.getPort()),
                    name + " uses etcd's advertised client URL");
            URI nats = URI.create(env.get(EnvNames.NATS_SERVER));
            assertEquals("nats", nats.getHost(), name);
            assertTrue(
                    Tree.list(compose, "services", "nats", "command").contains(String.valueOf(nats.getPort())),
                    name + " uses the NATS port");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void stopGracePeriodsOutlastTheAppsShutdown(String variant, Map<String, Object> compose) {
        for (String worker : WORKERS) {
            Map<String, Object> service = ComposeFiles.service(compose, worker);
            Map<String, String> env = ComposeFiles.env(service);
            long drain =
                    Long.parseLong(KnownVariables.effective(env, EnvNames.DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS)) + 5;
            String grace = Tree.string(service, "stop_grace_period");
            assertNotNull(grace, worker + ": docker's default 10 s would kill the drain");
            assertTrue(
                    ComposeFiles.seconds(grace) >= drain,
                    worker + " stop_grace_period " + grace + " vs " + drain + " s");
        }
        Map<String, Object> frontend = ComposeFiles.service(compose, "frontend");
        long window = Long.parseLong(
                KnownVariables.effective(ComposeFiles.env(frontend), EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS));
        assertTrue(ComposeFiles.seconds(Tree.string(frontend, "stop_grace_period")) > window);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void imagesAreBuiltByTheirModulesDockerfileOfTheVariant(String variant, Map<String, Object> compose) {
        for (String name : List.of("worker-1", "worker-2", "frontend")) {
            Map<String, Object> service = ComposeFiles.service(compose, name);
            Images.Image image = Images.parse(Tree.string(service, "image"));
            assertEquals(name.replaceAll("-\\d+$", ""), image.module(), name);
            assertEquals(variant, image.variant(), name);
            assertEquals(".", Tree.string(service, "build", "context"), name + " builds from the repository root");
            String dockerfile = Tree.string(service, "build", "dockerfile");
            assertEquals(Repo.path(dockerfile), image.dockerfile(), name);
            assertTrue(Files.isRegularFile(image.dockerfile()), dockerfile);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void prometheusScrapesTheFrontendAndEveryWorkerAtTheirPortsAndLoadsTheAlertRules(
            String variant, Map<String, Object> compose) {
        Map<String, Object> prometheus = ComposeFiles.service(compose, "prometheus");
        Map<String, String> mounts = new java.util.HashMap<>();
        for (Object volume : Tree.list(prometheus, "volumes")) {
            String[] parts = String.valueOf(volume).split(":");
            assertTrue(Files.isRegularFile(Repo.path(parts[0])), "mounted " + parts[0]);
            mounts.put(parts[1], parts[0]);
        }
        Map<String, Object> config = YamlFiles.load(Repo.path(mounts.get("/etc/prometheus/prometheus.yml")));
        for (Object rules : Tree.list(config, "rule_files")) {
            assertTrue(mounts.containsKey(String.valueOf(rules)), "rule file " + rules + " is mounted");
        }
        Map<String, Set<String>> targets = new java.util.HashMap<>();
        for (Map<String, Object> job : Tree.maps(config, "scrape_configs")) {
            Set<String> jobTargets = new java.util.HashSet<>();
            Tree.maps(job, "static_configs")
                    .forEach(c -> Tree.list(c, "targets").forEach(t -> jobTargets.add(String.valueOf(t))));
            targets.put(Tree.string(job, "job_name"), jobTargets);
        }
        String frontendPort =
                ComposeFiles.env(ComposeFiles.service(compose, "frontend")).get(EnvNames.DYN_HTTP_PORT);
        assertEquals(Set.of("frontend:" + frontendPort), targets.get("vigil-frontend"));
        Set<String> workers = new java.util.HashSet<>();
        for (String worker : WORKERS) {
            workers.add(worker + ":"
                    + ComposeFiles.env(ComposeFiles.service(compose, worker)).get(EnvNames.DYN_SYSTEM_PORT));
        }
        assertEquals(workers, targets.get("vigil-worker"));
        Map<String, Object> grafana = ComposeFiles.service(compose, "grafana");
        for (Object volume : Tree.list(grafana, "volumes")) {
            assertTrue(Files.isDirectory(Repo.path(String.valueOf(volume).split(":")[0])), "mounted " + volume);
        }
    }

    private static void assertNoCycle(Map<String, Object> compose) {
        for (String start : SERVICES) {
            List<String> stack = new ArrayList<>(List.of(start));
            Set<String> reached = new HashSet<>();
            while (!stack.isEmpty()) {
                String next = stack.remove(stack.size() - 1);
                for (String dependency :
                        Tree.map(compose, "services", next, "depends_on").keySet()) {
                    assertFalse(dependency.equals(start), "depends_on cycle through " + start);
                    if (reached.add(dependency)) {
                        stack.add(dependency);
                    }
                }
            }
        }
    }
}
