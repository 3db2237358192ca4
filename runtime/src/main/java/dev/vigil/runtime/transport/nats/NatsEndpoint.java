package dev.vigil.runtime.transport.nats;

import java.util.concurrent.CompletionStage;

import io.nats.client.Subscription;

import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.support.InFlightGate;

/** One subject served by a {@link NatsRequestPlane}: its subscription and its requests in flight. */
final class NatsEndpoint implements ServedEndpoint {

    private final NatsRequestPlane plane;
    private final String subject;
    private final RequestHandler handler;
    private final InFlightGate gate = new InFlightGate();

    private volatile Subscription subscription;

    NatsEndpoint(NatsRequestPlane plane, String subject, RequestHandler handler) {
        this.plane = plane;
        this.subject = subject;
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

    boolean accepting() {
        return gate.accepting();
    }

    /** Counts a request in flight if the endpoint still accepts (see {@link InFlightGate}). */
    boolean tryAccept() {
        return gate.tryEnter(() -> {});
    }

    void ended() {
        gate.exit();
    }

    @Override
    public String subject() {
        return subject;
    }

    @Override
    public int inFlight() {
        return gate.inFlight();
    }

    @Override
    public CompletionStage<Void> drained() {
        return gate.drained();
    }

    @Override
    public void close() {
        if (gate.close()) {
            plane.unserve(this);
        }
    }
}
