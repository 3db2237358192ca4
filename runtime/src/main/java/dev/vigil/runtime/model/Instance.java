package dev.vigil.runtime.model;

import java.util.Objects;

/**
 * One running copy of an endpoint, as discovery lists it: {@code namespace.component.endpoint} on
 * the process {@code id}, reachable at {@code natsSubject}.
 */
public record Instance(String namespace, String component, String endpoint, InstanceId id, String natsSubject) {

    public Instance {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(natsSubject, "natsSubject");
    }

    public EndpointId endpointId() {
        return new EndpointId(namespace, component, endpoint);
    }

    /** {@code dyn://dynamo.backend.generate}: the endpoint's URL in the frontend's health body. */
    public String endpointUrl() {
        return "dyn://" + namespace + "." + component + "." + endpoint;
    }
}
