package dev.vigil.runtime.transport.nats;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Guarded by this: a request is counted only while accepting, so none is counted after close. */
    private boolean accepting = true;

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

    synchronized boolean accepting() {
        return accepting;
    }

    /**
     * Counts a request in flight if the endpoint still accepts; in one step, so a request cannot
     * slip in after {@link #close()} and after {@link #drained()} completed.
     */
    synchronized boolean tryAccept() {
        if (!accepting) {
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    void ended() {
        inFlight.decrementAndGet();
        completeIfDrained();
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
    public CompletionStage<Void> drained() {
        return drained.minimalCompletionStage();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!accepting) {
                return;
            }
            accepting = false;
        }
        plane.unserve(this);
        completeIfDrained();
    }

    /**
     * Checked on both ways to the drained state, closing and the last request ending, since either
     * can come second.
     */
    private void completeIfDrained() {
        boolean done;
        synchronized (this) {
            done = !accepting && inFlight.get() == 0;
        }
        if (done) {
            drained.complete(null);
        }
    }
}
