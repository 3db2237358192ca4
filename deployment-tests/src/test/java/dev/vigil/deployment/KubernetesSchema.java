package dev.vigil.deployment;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.JsonElement;

/**
 * Validates an object against the Kubernetes API schema, through the OpenAPI models of the official
 * Java client ({@code io.kubernetes:client-java-api}): each model's generated {@code
 * validateJsonElement} rejects unknown fields, missing required fields and wrongly typed values, all
 * the way down ({@code livenesProbe}, a container without a name, {@code port: [8000]}).
 */
final class KubernetesSchema {

    /** The group/version each kind we deploy must use; a new kind is added here on purpose. */
    static final Map<String, String> API_VERSIONS = Map.of(
            "Namespace", "v1",
            "Service", "v1",
            "ConfigMap", "v1",
            "Deployment", "apps/v1",
            "StatefulSet", "apps/v1",
            "PodDisruptionBudget", "policy/v1");

    private static final Gson GSON = new Gson();

    private KubernetesSchema() {}

    /**
     * @throws IllegalArgumentException naming the object and what is wrong with it
     */
    static void validate(Map<String, Object> object) {
        String kind = Tree.string(object, "kind");
        String apiVersion = Tree.string(object, "apiVersion");
        String id = kind + "/" + Tree.string(object, "metadata", "name");
        String expected = API_VERSIONS.get(kind);
        if (expected == null) {
            throw new IllegalArgumentException(id + ": kind " + kind + " is not one this deployment knows");
        }
        if (!expected.equals(apiVersion)) {
            throw new IllegalArgumentException(id + ": apiVersion " + apiVersion + ", expected " + expected);
        }
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String model = "io.kubernetes.client.openapi.models." + Character.toUpperCase(version.charAt(0))
                + version.substring(1) + kind;
        JsonElement json = GSON.toJsonTree(object);
        try {
            Class.forName(model)
                    .getMethod("validateJsonElement", JsonElement.class)
                    .invoke(null, json);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(id + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no schema model " + model + " for " + id, e);
        }
    }
}
