package dev.vigil.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rendered k8s/ objects as {@code podman kube play} (podman 4.3, Debian 12's) can run them on one
 * machine, changed only where podman cannot do what Kubernetes does. Each change is one of the
 * differences docs/deployment.md lists ("What podman kube play honours"):
 *
 * <ul>
 *   <li>only Deployments are played (podman has no StatefulSet, Service or PodDisruptionBudget), and
 *       etcd's 3-member StatefulSet becomes one etcd pod named {@code etcd} (pods on a podman network
 *       find each other by pod name), which the apps' {@code ETCD_ENDPOINTS} point at;
 *   <li>{@code fieldRef: status.podIP} is refused by podman: those variables are dropped, and the apps
 *       publish their container address, their default;
 *   <li>podman publishes every {@code containerPort} on the host, so two replicas of a pod collide:
 *       ports are dropped, except the frontend's, published on 127.0.0.1 at a free port;
 *   <li>podman turns an {@code httpGet} probe into {@code curl} in a shell (the images have neither, and
 *       a named port becomes 0) and an {@code exec} probe into a shell command line: the liveness probe
 *       becomes an {@code exec} of Vigil's health check command, quoted for that shell, on the same
 *       port and path; the images get a {@code /bin/sh} for podman alone;
 *   <li>the frontend runs one replica (two would both want its host port).
 * </ul>
 *
 * Everything else (images, variables, resources, security context, restart policy, the probes'
 * timing) is the manifests' own.
 */
final class KubePlay {

    private KubePlay() {}

    static List<Map<String, Object>> forPodman(
            List<Map<String, Object>> rendered, String etcdImage, Map<String, String> images, int frontendHostPort) {
        List<Map<String, Object>> objects = new ArrayList<>();
        objects.add(etcdPod(etcdImage));
        for (Map<String, Object> object : rendered) {
            if (!"Deployment".equals(object.get("kind"))) {
                continue;
            }
            Map<String, Object> deployment = copy(object);
            String name = Tree.string(deployment, "metadata", "name");
            boolean frontend = name.equals("frontend");
            if (frontend) {
                Tree.map(deployment, "spec").put("replicas", 1);
            }
            for (Object each : Tree.list(deployment, "spec", "template", "spec", "containers")) {
                Map<String, Object> container = Tree.map(each);
                String image = images.get(name);
                if (image == null) {
                    throw new AssertionError("no image given for " + name);
                }
                container.put("image", image);
                container.put("env", env(Tree.list(container, "env")));
                Map<String, Integer> ports = namedPorts(container);
                Map<String, Object> liveness = Tree.map(container, "livenessProbe");
                if (!liveness.isEmpty()) {
                    container.put("livenessProbe", execProbe(liveness, ports));
                }
                if (frontend) {
                    int port = ports.get("http");
                    container.put(
                            "ports",
                            List.of(Map.of(
                                    "containerPort", port, "hostPort", frontendHostPort, "hostIP", "127.0.0.1")));
                } else {
                    container.remove("ports");
                }
            }
            objects.add(deployment);
        }
        return objects;
    }

    private static Map<String, Object> etcdPod(String image) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "etcd");
        container.put("image", image);
        container.put(
                "command",
                List.of(
                        "etcd",
                        "--name=etcd",
                        "--data-dir=/tmp/etcd",
                        "--listen-client-urls=http://0.0.0.0:2379",
                        "--advertise-client-urls=http://etcd:2379"));
        return new LinkedHashMap<>(Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Pod",
                "metadata",
                Map.of("name", "etcd"),
                "spec",
                Map.of("containers", List.of(container))));
    }

    private static List<Object> env(List<Object> env) {
        List<Object> kept = new ArrayList<>();
        for (Object each : env) {
            Map<String, Object> variable = Tree.map(each);
            if ("status.podIP".equals(Tree.string(variable, "valueFrom", "fieldRef", "fieldPath"))) {
                continue;
            }
            if ("ETCD_ENDPOINTS".equals(variable.get("name"))) {
                kept.add(Map.of("name", "ETCD_ENDPOINTS", "value", "http://etcd:2379"));
                continue;
            }
            kept.add(variable);
        }
        return kept;
    }

    private static Map<String, Integer> namedPorts(Map<String, Object> container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object each : Tree.list(container, "ports")) {
            Map<String, Object> port = Tree.map(each);
            ports.put(String.valueOf(port.get("name")), ((Number) port.get("containerPort")).intValue());
        }
        return ports;
    }

    /** The same check, timing and threshold, as Vigil's health check command instead of an HTTP GET. */
    private static Map<String, Object> execProbe(Map<String, Object> probe, Map<String, Integer> ports) {
        Map<String, Object> exec = new LinkedHashMap<>(probe);
        Map<String, Object> get = Tree.map(exec.remove("httpGet"));
        if (get.isEmpty()) {
            return exec;
        }
        Object port = get.get("port");
        String number = port instanceof Number n ? String.valueOf(n.intValue()) : String.valueOf(ports.get(port));
        exec.put(
                "exec",
                Map.of(
                        "command",
                        List.of(
                                "java",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:-UsePerfData",
                                "-cp",
                                // Quoted: podman 4.3 runs the words as one shell command line.
                                "'/deployments/lib/main/*'",
                                ComposeFiles.HEALTH_CHECK_COMMAND,
                                "-",
                                number,
                                "-",
                                String.valueOf(get.get("path")))));
        return exec;
    }

    @SuppressWarnings("unchecked")
    private static <T> T copy(T node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), copy(v)));
            return (T) copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(copy(v)));
            return (T) copy;
        }
        return node;
    }
}
