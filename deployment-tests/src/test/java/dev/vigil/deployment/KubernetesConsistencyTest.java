package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.kubernetes.client.custom.Quantity;

import dev.vigil.runtime.config.EnvNames;

/**
 * The manifests agree with the apps and with themselves: the variables they set are ones Vigil reads,
 * probes hit the ports and paths those variables configure, the kubelet waits longer than the worker
 * drains, images name existing modules and Dockerfiles, selectors select something.
 */
class KubernetesConsistencyTest {

    /** dev.vigil.worker.status.GrpcHealth.LIVE: the gRPC health service that answers as /live. */
    private static final String GRPC_LIVE_SERVICE = "live";

    static List<Path> variants() {
        return Manifests.variants();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyVariableIsOneVigilReadsOrADocumentedInfrastructureOne(Path variant) {
        String deploymentDoc = Repo.read("docs/deployment.md");
        for (Map<String, Object> workload : Manifests.workloads(Manifests.render(variant))) {
            for (Map<String, Object> container : Manifests.containers(workload)) {
                boolean vigil = isVigil(container);
                for (String name : Manifests.env(container).keySet()) {
                    String where = Manifests.id(workload) + " container " + Tree.string(container, "name");
                    if (vigil) {
                        assertTrue(KnownVariables.isVigil(name), where + ": " + name + " is not in EnvNames.ALL");
                    } else {
                        assertTrue(KnownVariables.INFRASTRUCTURE.contains(name), where + ": unknown variable " + name);
                        assertTrue(
                                deploymentDoc.contains("`" + name + "`"),
                                name + " not documented in docs/deployment.md");
                    }
                }
                assertTrue(Tree.list(container, "envFrom").isEmpty(), "envFrom hides names from this check");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void workerProbesUseTheSystemPortAndTheConfiguredPaths(Path variant) {
        Map<String, Object> worker = Manifests.find(Manifests.render(variant), "Deployment", "worker");
        Map<String, Object> container = vigilContainer(worker, "worker");
        Map<String, String> env = Manifests.env(container);
        int systemPort =
                Integer.parseInt(Objects.requireNonNull(env.get(EnvNames.DYN_SYSTEM_PORT), "DYN_SYSTEM_PORT set"));
        assertEquals(systemPort, containerPort(container, "system"), "port named system = DYN_SYSTEM_PORT");
        String health = KnownVariables.effective(env, EnvNames.DYN_SYSTEM_HEALTH_PATH);
        String live = KnownVariables.effective(env, EnvNames.DYN_SYSTEM_LIVE_PATH);
        // The live path only says "the process is up" when shallow; Dynamo's equals /health and would
        // restart a worker whose canary failed once.
        assertEquals("true", env.get(EnvNames.DYN_SYSTEM_LIVE_SHALLOW), "liveness needs the shallow live path");
        assertProbe(container, "livenessProbe", systemPort, live);
        assertProbe(container, "readinessProbe", systemPort, health);
        // A shallow live path answers as soon as the process is up, so only the health path makes the
        // startup probe wait for the model to load.
        assertProbe(container, "startupProbe", systemPort, health);
        Map<String, Object> startup = Tree.map(container, "startupProbe");
        long budget = Long.parseLong(Tree.string(startup, "failureThreshold"))
                * Long.parseLong(Tree.string(startup, "periodSeconds"));
        assertTrue(budget >= 3600, "startup probe budget for model loading is only " + budget + " s");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void frontendProbesUseTheHttpPortAndTheConfiguredPaths(Path variant) {
        Map<String, Object> frontend = Manifests.find(Manifests.render(variant), "Deployment", "frontend");
        Map<String, Object> container = vigilContainer(frontend, "frontend");
        Map<String, String> env = Manifests.env(container);
        int port = Integer.parseInt(Objects.requireNonNull(env.get(EnvNames.DYN_HTTP_PORT), "DYN_HTTP_PORT set"));
        assertEquals(port, containerPort(container, "http"), "port named http = DYN_HTTP_PORT");
        assertProbe(container, "livenessProbe", port, KnownVariables.effective(env, EnvNames.DYN_HTTP_SVC_LIVE_PATH));
        assertProbe(
                container, "readinessProbe", port, KnownVariables.effective(env, EnvNames.DYN_HTTP_SVC_HEALTH_PATH));
        // /health only gates traffic if it can fail: it answers 200 without workers by default.
        assertEquals("503", env.get(EnvNames.DYN_HTTP_SVC_HEALTH_UNHEALTHY_STATUS), "readiness on /health needs 503");
    }

    /** The seconds a preStop {@code DrainCommand} hook may wait (its argument, default 25); 0 without one. */
    @SuppressWarnings("unchecked")
    static long preStopDrainWait(Map<String, Object> container) {
        Object lifecycle = container.get("lifecycle");
        if (!(lifecycle instanceof Map<?, ?> hooks) || !(hooks.get("preStop") instanceof Map<?, ?> preStop)) {
            return 0;
        }
        List<String> command = (List<String>) ((Map<String, Object>) preStop.get("exec")).get("command");
        int at = command.indexOf("dev.vigil.health.http.DrainCommand");
        assertTrue(at >= 0, "a worker preStop hook other than DrainCommand: " + command);
        return at == command.size() - 1 ? 25 : Long.parseLong(command.get(at + 1));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theKubeletWaitsLongerThanTheAppsTakeToStop(Path variant) {
        List<Map<String, Object>> objects = Manifests.render(variant);
        Map<String, Object> worker = Manifests.find(objects, "Deployment", "worker");
        Map<String, String> env = Manifests.env(vigilContainer(worker, "worker"));
        // The budget is the whole shutdown; Dynamo's operator asks for total + 5 s, no less. A preStop
        // drain hook runs first, inside the same grace period, so its wait is added.
        long total = Long.parseLong(KnownVariables.effective(env, EnvNames.DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS));
        long preStop = preStopDrainWait(vigilContainer(worker, "worker"));
        assertEquals(
                total + 5 + preStop,
                gracePeriod(worker),
                "worker terminationGracePeriodSeconds must be DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS + 5"
                        + " (+ the preStop drain wait)");
        assertFalse(env.containsKey(EnvNames.DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT), "the legacy name would be ignored");

        Map<String, Object> frontend = Manifests.find(objects, "Deployment", "frontend");
        long window = Long.parseLong(KnownVariables.effective(
                Manifests.env(vigilContainer(frontend, "frontend")), EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS));
        assertTrue(gracePeriod(frontend) > window, "frontend terminationGracePeriodSeconds must exceed " + window);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theAppsRollWithoutLosingCapacityAndHaveADisruptionBudget(Path variant) {
        List<Map<String, Object>> objects = Manifests.render(variant);
        for (String app : List.of("worker", "frontend")) {
            Map<String, Object> deployment = Manifests.find(objects, "Deployment", app);
            assertEquals("RollingUpdate", Tree.string(deployment, "spec", "strategy", "type"), app);
            assertEquals("0", Tree.string(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"), app);
            Map<String, Object> budget = Manifests.find(objects, "PodDisruptionBudget", app);
            assertEquals(
                    Tree.map(deployment, "spec", "selector", "matchLabels"),
                    Tree.map(budget, "spec", "selector", "matchLabels"),
                    app + " budget selects the app's pods");
            int replicas = Integer.parseInt(Tree.string(deployment, "spec", "replicas"));
            assertTrue(replicas >= 2, app + " needs 2 replicas for its budget to allow a drain");
            assertTrue(Integer.parseInt(Tree.string(budget, "spec", "maxUnavailable")) < replicas, app);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theWorkerRunsTheCanary(Path variant) {
        Map<String, Object> worker = Manifests.find(Manifests.render(variant), "Deployment", "worker");
        Map<String, String> env = Manifests.env(vigilContainer(worker, "worker"));
        assertEquals("true", env.get(EnvNames.DYN_HEALTH_CHECK_ENABLED));
        assertEquals("[\"generate\"]", env.get(EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everySelectorSelectsAndEveryNamedPortExists(Path variant) {
        List<Map<String, Object>> objects = Manifests.render(variant);
        List<Map<String, Object>> workloads = Manifests.workloads(objects);
        for (Map<String, Object> workload : workloads) {
            Map<String, Object> labels = Tree.map(workload, "spec", "template", "metadata", "labels");
            assertTrue(
                    labels.entrySet()
                            .containsAll(Tree.map(workload, "spec", "selector", "matchLabels")
                                    .entrySet()),
                    Manifests.id(workload) + " selector must match its pod template");
        }
        for (Map<String, Object> service : objects.stream()
                .filter(o -> "Service".equals(Tree.string(o, "kind")))
                .toList()) {
            Map<String, Object> selector = Tree.map(service, "spec", "selector");
            List<Map<String, Object>> selected = workloads.stream()
                    .filter(w -> Tree.map(w, "spec", "template", "metadata", "labels")
                            .entrySet()
                            .containsAll(selector.entrySet()))
                    .toList();
            assertEquals(1, selected.size(), Manifests.id(service) + " selects one workload");
            for (Map<String, Object> port : Tree.maps(service, "spec", "ports")) {
                String target = Tree.string(port, "targetPort");
                Map<String, Object> container =
                        Manifests.containers(selected.get(0)).get(0);
                assertEquals(
                        Integer.parseInt(Tree.string(port, "port")),
                        containerPort(container, target),
                        Manifests.id(service) + " port " + target);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theAppsFindEtcdAndNatsWhereTheManifestsPutThem(Path variant) {
        List<Map<String, Object>> objects = Manifests.render(variant);
        Map<String, Object> etcd = Manifests.find(objects, "StatefulSet", "etcd");
        String etcdService = Tree.string(etcd, "spec", "serviceName");
        int members = Integer.parseInt(Tree.string(etcd, "spec", "replicas"));
        int clientPort = servicePort(Manifests.find(objects, "Service", etcdService), "client");
        Map<String, String> workerEnv =
                Manifests.env(vigilContainer(Manifests.find(objects, "Deployment", "worker"), "worker"));
        String plane = workerEnv.getOrDefault(EnvNames.DYN_REQUEST_PLANE, "tcp");
        if (plane.equals("tcp")) {
            // No broker: the worker listens on its named port rpc and publishes its pod address.
            Map<String, Object> worker = vigilContainer(Manifests.find(objects, "Deployment", "worker"), "worker");
            assertEquals(containerPort(worker, "rpc"), Integer.parseInt(workerEnv.get(EnvNames.DYN_TCP_RPC_PORT)));
            assertTrue(objects.stream().noneMatch(o -> "nats".equals(Manifests.name(o))), "no NATS on the TCP plane");
        }
        for (String app : List.of("worker", "frontend")) {
            Map<String, String> env = Manifests.env(vigilContainer(Manifests.find(objects, "Deployment", app), app));
            String[] endpoints = env.get(EnvNames.ETCD_ENDPOINTS).split(",");
            assertEquals(members, endpoints.length, app + " lists every etcd member");
            for (int i = 0; i < endpoints.length; i++) {
                URI uri = URI.create(endpoints[i]);
                assertEquals("etcd-" + i + "." + etcdService, uri.getHost(), app + " " + endpoints[i]);
                assertEquals(clientPort, uri.getPort(), app + " " + endpoints[i]);
            }
            assertEquals(plane, env.getOrDefault(EnvNames.DYN_REQUEST_PLANE, "tcp"), app + ": one plane for all");
            if (plane.equals("nats")) {
                int natsPort = servicePort(Manifests.find(objects, "Service", "nats"), "client");
                URI nats = URI.create(env.get(EnvNames.NATS_SERVER));
                assertEquals("nats", nats.getHost(), app);
                assertEquals(natsPort, nats.getPort(), app);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void vigilImagesNameTheirModuleAndADockerfile(Path variant) {
        for (Map<String, Object> workload : Manifests.workloads(Manifests.render(variant))) {
            for (Map<String, Object> container : Manifests.containers(workload)) {
                if (!isVigil(container)) {
                    continue;
                }
                Images.Image image = Images.parse(Tree.string(container, "image"));
                assertEquals(Manifests.name(workload), image.module(), "image of " + Manifests.id(workload));
                assertTrue(Files.isRegularFile(image.dockerfile()), image + " has no " + image.dockerfile());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyContainerHasRequestsWithinLimits(Path variant) {
        for (Map<String, Object> workload : Manifests.workloads(Manifests.render(variant))) {
            for (Map<String, Object> container : Manifests.containers(workload)) {
                for (String resource : List.of("cpu", "memory")) {
                    String where = Manifests.id(workload) + " " + resource;
                    String request = Tree.string(container, "resources", "requests", resource);
                    String limit = Tree.string(container, "resources", "limits", resource);
                    assertNotNull(request, where + " request");
                    assertNotNull(limit, where + " limit");
                    assertTrue(
                            Quantity.fromString(request)
                                            .getNumber()
                                            .compareTo(
                                                    Quantity.fromString(limit).getNumber())
                                    <= 0,
                            where + ": request " + request + " above limit " + limit);
                }
            }
        }
    }

    private static boolean isVigil(Map<String, Object> container) {
        return Tree.string(container, "image").startsWith(Images.REPOSITORY_PREFIX);
    }

    private static Map<String, Object> vigilContainer(Map<String, Object> workload, String name) {
        return Manifests.containers(workload).stream()
                .filter(c -> name.equals(Tree.string(c, "name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(Manifests.id(workload) + " has no container " + name));
    }

    private static long gracePeriod(Map<String, Object> workload) {
        String value = Tree.string(workload, "spec", "template", "spec", "terminationGracePeriodSeconds");
        return value == null ? 30 : Long.parseLong(value);
    }

    private static int containerPort(Map<String, Object> container, String nameOrNumber) {
        if (nameOrNumber.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(nameOrNumber);
        }
        return Tree.maps(container, "ports").stream()
                .filter(p -> nameOrNumber.equals(Tree.string(p, "name")))
                .map(p -> Integer.parseInt(Tree.string(p, "containerPort")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no port named " + nameOrNumber));
    }

    private static int servicePort(Map<String, Object> service, String name) {
        return Tree.maps(service, "spec", "ports").stream()
                .filter(p -> name.equals(Tree.string(p, "name")))
                .map(p -> Integer.parseInt(Tree.string(p, "port")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(Manifests.id(service) + " has no port " + name));
    }

    /**
     * An HTTP probe on {@code path} at {@code port}; or a gRPC probe on that port (gRPC shares the
     * status server) asking the service that renders the same view: {@code "live"} for the live path,
     * {@code ""} for the health path (dev.vigil.worker.status.GrpcHealth).
     */
    private static void assertProbe(Map<String, Object> container, String probe, int port, String path) {
        Map<String, Object> spec = Tree.map(container, probe);
        assertFalse(spec.isEmpty(), probe + " missing");
        if (!Tree.map(spec, "grpc").isEmpty()) {
            assertEquals(String.valueOf(port), Tree.string(spec, "grpc", "port"), probe + " gRPC port");
            String service = Objects.requireNonNullElse(Tree.string(spec, "grpc", "service"), "");
            String live = KnownVariables.effective(Manifests.env(container), EnvNames.DYN_SYSTEM_LIVE_PATH);
            assertEquals(path.equals(live) ? GRPC_LIVE_SERVICE : "", service, probe + " gRPC service");
            return;
        }
        Map<String, Object> get = Tree.map(spec, "httpGet");
        if (get.isEmpty()) {
            fail(probe + " is neither httpGet nor grpc");
        }
        assertEquals(path, Tree.string(get, "path"), probe + " path");
        assertEquals(port, containerPort(container, Tree.string(get, "port")), probe + " port");
    }
}
