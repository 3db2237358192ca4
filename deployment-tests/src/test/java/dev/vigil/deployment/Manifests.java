package dev.vigil.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The renderings of {@code k8s/}: the default one and each overlay. */
final class Manifests {

    static final Path K8S = Repo.path("k8s");

    private Manifests() {}

    /** {@code k8s/} itself, then every directory under {@code k8s/overlays/}. */
    static List<Path> variants() {
        List<Path> variants = new ArrayList<>(List.of(K8S));
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            overlays.filter(Files::isDirectory).sorted().forEach(variants::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return variants;
    }

    static List<Map<String, Object>> render(Path variant) {
        return Kustomize.build(variant);
    }

    static String name(Map<String, Object> object) {
        return Tree.string(object, "metadata", "name");
    }

    static String id(Map<String, Object> object) {
        return Tree.string(object, "kind") + "/" + name(object);
    }

    static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(Tree.string(o, "kind")) && name.equals(name(o)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }

    /** Deployments and StatefulSets. */
    static List<Map<String, Object>> workloads(List<Map<String, Object>> objects) {
        return objects.stream()
                .filter(o -> List.of("Deployment", "StatefulSet").contains(Tree.string(o, "kind")))
                .toList();
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return Tree.maps(workload, "spec", "template", "spec", "containers");
    }

    /** A container's environment as name → value (valueFrom entries map to null). */
    static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (Map<String, Object> var : Tree.maps(container, "env")) {
            env.put(Tree.string(var, "name"), Tree.string(var, "value"));
        }
        return env;
    }
}
