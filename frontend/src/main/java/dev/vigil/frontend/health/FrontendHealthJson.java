package dev.vigil.frontend.health;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.vigil.health.json.Json;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;

/**
 * The frontend's /live and /health bodies, compact with keys in alphabetical order, as Dynamo
 * writes them.
 */
public final class FrontendHealthJson {

    public static final String LIVE = "{\"message\":\"Service is live\",\"status\":\"live\"}";
    public static final String SHUTTING_DOWN =
            "{\"message\":\"Service is shutting down\",\"status\":\"shutting_down\"}";
    public static final String NO_ENDPOINTS =
            "{\"instances\":[],\"message\":\"No endpoints available\",\"status\":\"unhealthy\"}";

    private FrontendHealthJson() {}

    /**
     * Healthy: {@code endpoints} is the sorted, de-duplicated list of {@code dyn://} URLs of the
     * endpoints that serve a registered model and have an instance, and {@code instances} lists every
     * endpoint instance in the given (already sorted) order. No instance: the seed's unhealthy body.
     */
    public static String health(List<Instance> instances, Set<EndpointId> modelEndpoints) {
        return health(instances, modelEndpoints, null);
    }

    /**
     * As above; with {@code problem} (discovery cannot reach etcd) the healthy body also carries a
     * {@code message} saying so: the frontend keeps serving the instances it knows meanwhile.
     */
    public static String health(List<Instance> instances, Set<EndpointId> modelEndpoints, String problem) {
        if (instances.isEmpty()) {
            return NO_ENDPOINTS;
        }
        Set<String> urls = new TreeSet<>();
        for (Instance instance : instances) {
            if (modelEndpoints.contains(instance.endpointId())) {
                urls.add(instance.endpointUrl());
            }
        }
        StringBuilder out = new StringBuilder(256).append("{\"endpoints\":[");
        boolean first = true;
        for (String url : urls) {
            if (!first) {
                out.append(',');
            }
            first = false;
            Json.string(out, url);
        }
        out.append("],\"instances\":[");
        first = true;
        for (Instance instance : instances) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"component\":");
            Json.string(out, instance.component()).append(",\"endpoint\":");
            Json.string(out, instance.endpoint())
                    .append(",\"instance_id\":")
                    .append(instance.id().decimal());
            out.append(",\"namespace\":");
            Json.string(out, instance.namespace()).append(",\"transport\":{\"nats_tcp\":");
            Json.string(out, instance.natsSubject()).append("}}");
        }
        out.append(']');
        if (problem != null) {
            out.append(",\"message\":");
            Json.string(out, "Discovery unavailable: " + problem);
        }
        return out.append(",\"status\":\"healthy\"}").toString();
    }
}
