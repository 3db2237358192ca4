package dev.vigil.runtime.transport.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.vigil.runtime.transport.ServedEndpoint;

/**
 * What every served endpoint keeps, whatever carries its requests: whether it still accepts, how many
 * requests are in flight, and a future that completes once it is closed and none is left. Entering
 * and closing are each one locked step, so no request is counted after the close and the drained
 * future never completes while one is still running. A request plane's endpoint adds how requests
 * reach it and what closing tears down ({@link #stopServing}).
 */
public abstract class GatedEndpoint implements ServedEndpoint {

    private final String subject;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Guarded by this. */
    private boolean accepting = true;
    /** Guarded by this. */
    private int inFlight;

    protected GatedEndpoint(String subject) {
        this.subject = subject;
    }

    /** Called once, by the first {@link #close()}, after the endpoint stopped accepting. */
    protected abstract void stopServing();

    @Override
    public final String subject() {
        return subject;
    }

    public final synchronized boolean accepting() {
        return accepting;
    }

    /**
     * Counts one request in flight if still accepting, running {@code alsoOnEntry} under the same
     * lock (so, for example, a plane's list of open requests never misses a counted one).
     */
    public final boolean tryEnter(Runnable alsoOnEntry) {
        synchronized (this) {
            if (!accepting) {
                return false;
            }
            inFlight++;
            alsoOnEntry.run();
            return true;
        }
    }

    /** One request counted by {@link #tryEnter} has ended. */
    public final void exit() {
        synchronized (this) {
            inFlight--;
        }
        completeIfDrained();
    }

    @Override
    public final synchronized int inFlight() {
        return inFlight;
    }

    @Override
    public final CompletionStage<Void> drained() {
        return drained.minimalCompletionStage();
    }

    @Override
    public final void close() {
        synchronized (this) {
            if (!accepting) {
                return;
            }
            accepting = false;
        }
        stopServing();
        completeIfDrained();
    }

    /** Checked on both ways to the drained state, closing and the last exit, since either can come second. */
    private void completeIfDrained() {
        boolean done;
        synchronized (this) {
            done = !accepting && inFlight == 0;
        }
        if (done) {
            drained.complete(null);
        }
    }
}
