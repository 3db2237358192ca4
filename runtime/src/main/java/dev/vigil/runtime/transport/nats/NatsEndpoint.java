package dev.vigil.runtime.transport.nats;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Subscription;

import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.ServedEndpoint;

/** One subject served by a {@link NatsRequestPlane}: its subscription and its requests in flight. */
final class NatsEndpoint implements ServedEndpoint {

    private final NatsRequestPlane plane;
    private final String subject;
    private final RequestHandler handler;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean accepting = new AtomicBoolean(true);
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
        return accepting.get();
    }

    void accepted() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    @Override
    public String subject() {
        return subject;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        if (accepting.compareAndSet(true, false)) {
            plane.unserve(this);
        }
    }
}
