package dev.vigil.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kustomize build}, for the part of kustomize our manifests use and nothing more: {@code
 * resources} (files and directories), {@code namespace}, {@code labels} on metadata only, {@code
 * images} and {@code patches} given as JSON 6902 operations on a target. Any other field of a
 * kustomization fails the build, so the manifests cannot start using a feature this renderer would
 * silently skip. {@code KustomizeIT} compares the result with the real kustomize where kubectl is
 * installed.
 */
final class Kustomize {

    private static final Set<String> FIELDS =
            Set.of("apiVersion", "kind", "namespace", "labels", "resources", "images", "patches");
    private static final Set<String> CLUSTER_SCOPED =
            Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass");

    private Kustomize() {}

    /** The objects {@code kustomize build dir} prints, in the order of the resources. */
    static List<Map<String, Object>> build(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " has no kustomization.yaml");
        }
        Map<String, Object> kustomization = YamlFiles.load(file);
        for (String field : kustomization.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(file + ": '" + field + "' is not supported by this renderer");
            }
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object entry : Tree.list(kustomization, "resources")) {
            Path resource = dir.resolve(String.valueOf(entry)).normalize();
            objects.addAll(Files.isDirectory(resource) ? build(resource) : YamlFiles.loadAll(resource));
        }
        for (Map<String, Object> patch : Tree.maps(kustomization, "patches")) {
            applyPatch(dir, patch, objects);
        }
        String namespace = Tree.string(kustomization, "namespace");
        if (namespace != null) {
            for (Map<String, Object> object : objects) {
                if (!CLUSTER_SCOPED.contains(Tree.string(object, "kind"))) {
                    metadata(object).put("namespace", namespace);
                }
            }
        }
        for (Map<String, Object> labels : Tree.maps(kustomization, "labels")) {
            for (String key : labels.keySet()) {
                if (!key.equals("pairs") && !(Boolean.FALSE.equals(labels.get(key)))) {
                    throw new IllegalArgumentException(file + ": labels." + key + " is not supported by this renderer");
                }
            }
            for (Map<String, Object> object : objects) {
                Map<String, Object> metadata = metadata(object);
                Map<String, Object> current = new LinkedHashMap<>(Tree.map(metadata, "labels"));
                Tree.map(labels, "pairs").forEach((k, v) -> current.put(k, String.valueOf(v)));
                metadata.put("labels", current);
            }
        }
        for (Map<String, Object> image : Tree.maps(kustomization, "images")) {
            objects.forEach(object -> retag(object, image));
        }
        return objects;
    }

    private static Map<String, Object> metadata(Map<String, Object> object) {
        Map<String, Object> metadata = Tree.map(object, "metadata");
        if (metadata.isEmpty()) {
            metadata = new LinkedHashMap<>();
            object.put("metadata", metadata);
        }
        return metadata;
    }

    private static void retag(Map<String, Object> object, Map<String, Object> image) {
        String name = Tree.string(image, "name");
        for (String kind : List.of("containers", "initContainers")) {
            for (Map<String, Object> container : Tree.maps(object, "spec", "template", "spec", kind)) {
                String reference = Tree.string(container, "image");
                if (reference == null || !repository(reference).equals(name)) {
                    continue;
                }
                String tag = reference.substring(repository(reference).length());
                String newName = Tree.string(image, "newName");
                String newTag = Tree.string(image, "newTag");
                container.put("image", (newName != null ? newName : name) + (newTag != null ? ":" + newTag : tag));
            }
        }
    }

    /** {@code vigil/worker:jvm} → {@code vigil/worker}; a registry port is not a tag. */
    static String repository(String image) {
        int digest = image.indexOf('@');
        String withoutDigest = digest < 0 ? image : image.substring(0, digest);
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    private static void applyPatch(Path dir, Map<String, Object> patch, List<Map<String, Object>> objects) {
        Map<String, Object> target = Tree.map(patch, "target");
        String path = Tree.string(patch, "path");
        if (path == null || target.isEmpty() || !Set.of("kind", "name").containsAll(target.keySet())) {
            throw new IllegalArgumentException(dir + ": only patches with a path and a kind/name target are supported");
        }
        String kind = Tree.string(target, "kind");
        String name = Tree.string(target, "name");
        List<Object> operations = YamlFiles.parseList(dir.resolve(path));
        int matched = 0;
        for (Map<String, Object> object : objects) {
            if ((kind == null || kind.equals(Tree.string(object, "kind")))
                    && (name == null || name.equals(Tree.string(object, "metadata", "name")))) {
                JsonPatch.apply(object, operations);
                matched++;
            }
        }
        if (matched == 0) {
            throw new IllegalArgumentException(dir + ": patch " + path + " matches no object");
        }
    }
}
