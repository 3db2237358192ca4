package dev.vigil.frontend.routing;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.transport.StreamError;

/**
 * One attempt of a request on one instance, as the {@link Router} hands it out ({@link
 * Router#admit}, {@link Router#next}). It counts in the instance's in-flight requests from the moment
 * it is picked until it ends, and it ends exactly once: with {@link #succeeded()}, {@link
 * #failed(StreamError)} (which tells the router what the failure says about the instance) or
 * {@link #abandoned()} (the client went away; nothing is said about the instance).
 */
public final class Attempt {

    private final Router router;
    private final Instance instance;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final long startedNanos;

    Attempt(Router router, Instance instance) {
        this.router = router;
        this.instance = instance;
        this.startedNanos = router.nanoTime();
        router.attemptStarted(instance);
    }

    public Instance instance() {
        return instance;
    }

    /** The instance served the request to its end. */
    public void succeeded() {
        if (end()) {
            router.reportSuccess(instance);
            router.served(router.nanoTime() - startedNanos);
        }
    }

    /**
     * The attempt failed with {@code cause}. What counts against the instance follows from the cause:
     * an engine that was full counts nothing (busy is not dead; a half-open trial it held is free
     * again); a client too slow to read counts nothing; an engine error counts for its circuit only;
     * a transport failure (unreachable, disconnected, silent) inhibits it or counts for its circuit.
     */
    public void failed(StreamError cause) {
        if (!end()) {
            return;
        }
        if (cause instanceof StreamError.Busy) {
            router.reportBusy(instance);
        } else if (cause instanceof StreamError.CallerTooSlow) {
            // The client is at fault, not the worker.
        } else if (cause instanceof StreamError.Backend) {
            router.reportError(instance, cause.message());
        } else {
            router.reportDown(instance, cause.getClass().getSimpleName() + ": " + cause.message());
        }
    }

    /** The attempt was given up for a reason that says nothing about the instance. */
    public void abandoned() {
        end();
    }

    private boolean end() {
        if (ended.compareAndSet(false, true)) {
            router.attemptEnded(instance);
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "attempt on " + instance.id().hex();
    }
}
