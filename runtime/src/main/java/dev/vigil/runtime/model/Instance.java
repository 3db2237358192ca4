package dev.vigil.runtime.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One running copy of an endpoint, as discovery lists it: {@code namespace.component.endpoint} on
 * the process {@code id}, reachable through {@code transport} (a NATS subject or a TCP address).
 *
 * @param systemStatusUrl Vigil's addition: where the process's system status server answers, such
 *     as {@code http://10.0.0.5:9090}, so a frontend can probe it; null when the process did not
 *     publish one (a Dynamo worker)
 */
public record Instance(
        String namespace,
        String component,
        String endpoint,
        InstanceId id,
        Transport transport,
        String systemStatusUrl) {

    public Instance {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(transport, "transport");
    }

    /**
     * An instance served on NATS at {@code natsSubject} that publishes no system status address, as
     * Dynamo's NATS workers register.
     */
    public Instance(String namespace, String component, String endpoint, InstanceId id, String natsSubject) {
        this(namespace, component, endpoint, id, new Transport.Nats(natsSubject), null);
    }

    /** Where a request plane of the instance's kind reaches it: {@link Transport#address()}. */
    public String address() {
        return transport.address();
    }

    /** {@link #systemStatusUrl()}, when published. */
    public Optional<String> statusServer() {
        return Optional.ofNullable(systemStatusUrl);
    }

    public EndpointId endpointId() {
        return new EndpointId(namespace, component, endpoint);
    }

    /** {@code dyn://dynamo.backend.generate}: the endpoint's URL in the frontend's health body. */
    public String endpointUrl() {
        return "dyn://" + namespace + "." + component + "." + endpoint;
    }
}
