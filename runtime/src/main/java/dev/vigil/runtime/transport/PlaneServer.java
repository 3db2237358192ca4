package dev.vigil.runtime.transport;

import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.Transport;

/**
 * The serving side of a request plane (Dynamo's ingress): what a process that serves endpoints
 * uses. An endpoint instance is addressed by a string the plane chooses ({@link #transport}): a NATS
 * subject, or a TCP {@code host:port/id/endpoint}. The serving process publishes it in discovery;
 * callers pass it back to {@link PlaneClient#call}. Kept apart from {@link PlaneClient} so that
 * serving code depends on nothing a caller does, and the reverse.
 */
public interface PlaneServer extends PlaneStatus {

    /**
     * How this plane addresses {@code endpoint} served by the process {@code id}: what the process
     * publishes in discovery and serves with {@link #serve}. The TCP plane starts listening here if
     * it is not listening yet, so its port is known.
     *
     * @throws RequestPlaneException when the plane cannot serve (its port cannot be bound)
     */
    Transport transport(EndpointId endpoint, InstanceId id);

    /**
     * Starts serving {@code subject} (an address from {@link #transport}) with {@code handler}.
     * Returns once the plane accepts requests for it, so the caller can then mark the endpoint
     * served and register it in discovery.
     */
    ServedEndpoint serve(String subject, RequestHandler handler);
}
