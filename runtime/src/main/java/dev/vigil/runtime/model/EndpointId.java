package dev.vigil.runtime.model;

import java.util.Locale;
import java.util.Objects;

/**
 * An endpoint by name, {@code namespace.component.endpoint}, independent of which process serves it.
 * The one place that knows how an endpoint instance's NATS subject is spelled.
 */
public record EndpointId(String namespace, String component, String endpoint) {

    public EndpointId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * {@code dynamo_backend.generate-694d98147d54be25}: the slugified {@code namespace_component}, a
     * dot, the endpoint, a dash and the instance id in hex (the seed's {@code nats_tcp} transport).
     */
    public String subject(InstanceId id) {
        return slug(namespace + "_" + component) + "." + endpoint + "-" + id.hex();
    }

    /** This endpoint served by the process {@code id} on NATS (or in process) at {@link #subject}. */
    public Instance instance(InstanceId id) {
        return new Instance(namespace, component, endpoint, id, subject(id));
    }

    /** This endpoint served by the process {@code id} on NATS, whose system status server is at {@code statusUrl}. */
    public Instance instance(InstanceId id, String statusUrl) {
        return instance(id, new Transport.Nats(subject(id)), statusUrl);
    }

    /**
     * This endpoint served by the process {@code id} through {@code transport} (what its request
     * plane chose), whose system status server is at {@code statusUrl}.
     */
    public Instance instance(InstanceId id, Transport transport, String statusUrl) {
        return new Instance(namespace, component, endpoint, id, transport, statusUrl);
    }

    /** Lower-cased, characters outside {@code [a-z0-9_-]} replaced by {@code _}, as Dynamo names its service. */
    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    }

    @Override
    public String toString() {
        return namespace + "." + component + "." + endpoint;
    }
}
