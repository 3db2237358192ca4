package dev.vigil.runtime.transport;

import java.util.function.Consumer;

import dev.vigil.runtime.discovery.Subscription;

/**
 * Fire-and-forget events (a worker's load, for instance) on the request plane's connections. Neither
 * a request nor its response: a publisher does not know its subscribers, and events carry no stream,
 * no acknowledgement and no end. Its own interface because the process that publishes (a worker) and
 * the one that subscribes (a frontend) each need it next to a different side of the plane.
 */
public interface EventPlane {

    /** Publishes an event (fire and forget), such as a worker's load. */
    void publish(String subject, byte[] payload);

    /** Receives events published on {@code subject}. */
    Subscription subscribe(String subject, Consumer<byte[]> handler);
}
