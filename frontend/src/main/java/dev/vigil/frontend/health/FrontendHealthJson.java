package dev.vigil.frontend.health;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.vigil.runtime.discovery.DiscoveryJson;
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

    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * While the frontend drains or stops: 503 for load balancers, with the stage ({@code draining},
     * {@code stopping}).
     */
    public static String notReady(String stage) {
        return "{\"message\":\"Service is " + stage + "\",\"stage\":\"" + stage + "\",\"status\":\"not_ready\"}";
    }

    /**
     * While the frontend waits for its first {@code DYN_ROUTER_MIN_INITIAL_WORKERS} workers: 503 for
     * load balancers, saying how many it has.
     */
    public static String waitingForWorkers(int routable, int wanted) {
        return "{\"message\":\"Waiting for " + wanted + " routable workers (DYN_ROUTER_MIN_INITIAL_WORKERS), "
                + routable + " so far\",\"stage\":\"starting\",\"status\":\"not_ready\"}";
    }

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
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("endpoints");
            for (String url : urls) {
                json.writeString(url);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("instances");
            for (Instance instance : instances) {
                DiscoveryJson.writeListed(json, instance);
            }
            json.writeEndArray();
            if (problem != null) {
                json.writeStringField("message", "Discovery unavailable: " + problem);
            }
            json.writeStringField("status", "healthy");
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing to a string cannot fail", e);
        }
        return out.toString();
    }
}
