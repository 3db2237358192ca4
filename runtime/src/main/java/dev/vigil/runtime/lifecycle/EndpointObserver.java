package dev.vigil.runtime.lifecycle;

/**
 * Told when an endpoint of this process starts or stops accepting requests on the request plane.
 * The worker connects it to its health state; {@link EndpointServer} calls it after the transport is
 * listening and before the endpoint is registered in discovery, so the process never advertises an
 * endpoint that would report itself unready.
 */
public interface EndpointObserver {

    /** The endpoint accepts requests. */
    void served(String endpoint);

    /** The endpoint no longer accepts requests. */
    void stopped(String endpoint);
}
