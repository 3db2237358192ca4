package dev.vigil.runtime.transport.nats;

import io.nats.client.Subscription;

import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.support.GatedEndpoint;

/** One subject served by a {@link NatsRequestPlane} ({@link NatsServing}): its subscription and its requests in flight. */
final class NatsEndpoint extends GatedEndpoint {

    private final NatsServing plane;
    private final RequestHandler handler;

    private volatile Subscription subscription;

    NatsEndpoint(NatsServing plane, String subject, RequestHandler handler) {
        super(subject);
        this.plane = plane;
        this.handler = handler;
    }

    RequestHandler handler() {
        return handler;
    }

    void subscribed(Subscription subscription) {
        this.subscription = subscription;
    }

    Subscription subscription() {
        return subscription;
    }

    /** Counts a request in flight if the endpoint still accepts (see {@link GatedEndpoint}). */
    boolean tryAccept() {
        return tryEnter(() -> {});
    }

    void ended() {
        exit();
    }

    @Override
    protected void stopServing() {
        plane.unserve(this);
    }
}
