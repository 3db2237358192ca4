package dev.vigil.runtime.transport.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What every served endpoint keeps, whatever carries its requests: whether it still accepts, how many
 * requests are in flight, and a future that completes once it is closed and none is left. Entering
 * and closing are each one locked step, so no request is counted after the close and the drained
 * future never completes while one is still running.
 */
public final class InFlightGate {

    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Guarded by this. */
    private boolean accepting = true;
    /** Guarded by this. */
    private int inFlight;

    public synchronized boolean accepting() {
        return accepting;
    }

    /**
     * Counts one request in flight if still accepting, running {@code alsoOnEntry} under the same
     * lock (so, for example, a plane's list of open requests never misses a counted one).
     */
    public boolean tryEnter(Runnable alsoOnEntry) {
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
    public void exit() {
        synchronized (this) {
            inFlight--;
        }
        completeIfDrained();
    }

    /** Stops accepting; true the first time only, so the caller tears down once. */
    public boolean close() {
        synchronized (this) {
            if (!accepting) {
                return false;
            }
            accepting = false;
        }
        completeIfDrained();
        return true;
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    public CompletionStage<Void> drained() {
        return drained.minimalCompletionStage();
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
