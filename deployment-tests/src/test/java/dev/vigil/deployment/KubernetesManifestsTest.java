package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code kustomize build} of k8s/ and of every overlay renders, and every object fits the schema. */
class KubernetesManifestsTest {

    static List<Path> variants() {
        return Manifests.variants();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyObjectValidatesAgainstTheKubernetesSchema(Path variant) {
        List<Map<String, Object>> objects = Manifests.render(variant);
        assertFalse(objects.isEmpty(), variant + " renders nothing");
        for (Map<String, Object> object : objects) {
            KubernetesSchema.validate(object);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyObjectIsUniqueAndInTheVigilNamespace(Path variant) {
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> object : Manifests.render(variant)) {
            assertTrue(seen.add(Manifests.id(object)), "twice: " + Manifests.id(object));
            if (!"Namespace".equals(Tree.string(object, "kind"))) {
                assertEquals("vigil", Tree.string(object, "metadata", "namespace"), Manifests.id(object));
            }
            assertEquals(
                    "vigil",
                    Tree.string(object, "metadata", "labels", "app.kubernetes.io/part-of"),
                    Manifests.id(object));
        }
    }

    @Test
    void theDefaultRenderingHasTheWholeCluster() {
        Set<String> ids = new HashSet<>();
        Manifests.render(Manifests.K8S).forEach(o -> ids.add(Manifests.id(o)));
        assertEquals(
                Set.of(
                        "Namespace/vigil",
                        "Service/etcd",
                        "StatefulSet/etcd",
                        "PodDisruptionBudget/etcd",
                        "Deployment/worker",
                        "Service/worker",
                        "PodDisruptionBudget/worker",
                        "Deployment/frontend",
                        "Service/frontend",
                        "PodDisruptionBudget/frontend",
                        "ConfigMap/vigil-grafana-dashboard",
                        "ConfigMap/vigil-prometheus-rules"),
                ids);
    }

    /** The validator is strict: a negative control, so a green run means something. */
    @Test
    void theSchemaCheckRejectsTyposMissingFieldsAndWrongTypes() {
        Map<String, Object> deployment = Manifests.find(Manifests.render(Manifests.K8S), "Deployment", "worker");
        Map<String, Object> container = Manifests.containers(deployment).get(0);

        container.put("livenesProbe", container.remove("livenessProbe"));
        assertThrows(IllegalArgumentException.class, () -> KubernetesSchema.validate(deployment), "unknown field");
        container.put("livenessProbe", container.remove("livenesProbe"));
        KubernetesSchema.validate(deployment);

        Object name = container.remove("name");
        assertThrows(IllegalArgumentException.class, () -> KubernetesSchema.validate(deployment), "required field");
        container.put("name", name);

        Object ports = container.put("ports", Map.of("containerPort", 9090));
        assertThrows(IllegalArgumentException.class, () -> KubernetesSchema.validate(deployment), "wrong type");
        container.put("ports", ports);

        deployment.put("apiVersion", "v1");
        assertThrows(IllegalArgumentException.class, () -> KubernetesSchema.validate(deployment), "wrong group");
    }
}
