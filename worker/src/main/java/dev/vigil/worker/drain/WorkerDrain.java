package dev.vigil.worker.drain;

import java.util.function.IntSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.vigil.runtime.discovery.Discovery;

/**
 * Whether an operator (an autoscaler, a node drain, a {@code preStop} hook) took this worker out of
 * routing, and how far it got. Draining keeps the worker registered, live and serving what it has;
 * it marks the process draining in discovery, so every frontend — including one started later —
 * stops sending it new requests, and it answers any that still arrive busy (a frontend that has not
 * seen the mark yet sends the request elsewhere; nothing counts against this worker). Resuming
 * removes the mark. Once shutdown begins, neither is possible: the shutdown is a drain of its own.
 */
@ApplicationScoped
public class WorkerDrain {

    private static final Logger LOG = Logger.getLogger(WorkerDrain.class);

    /** What {@code GET /engine/status} reports. */
    public enum State {
        /** Takes new requests. */
        SERVING,
        /** Asked to drain; requests it had are still running. */
        DRAINING,
        /** Asked to drain, and nothing is in flight: it can be deleted. */
        DRAINED,
        /** The process is stopping (SIGTERM or a fatal condition). */
        SHUTTING_DOWN;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The status body's content. */
    public record Status(State state, int inflight, boolean safeToDelete) {}

    /** Why a drain or resume was not done. */
    public static final class Refused extends RuntimeException {

        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status to answer with. */
        public int status() {
            return status;
        }
    }

    @Inject
    Discovery discovery;

    private volatile boolean draining;
    private volatile boolean shuttingDown;
    private volatile IntSupplier inFlight = () -> 0;

    /** Tells the drain how to count the generate requests in flight, once the endpoints are served. */
    public void countInFlightWith(IntSupplier generateInFlight) {
        this.inFlight = generateInFlight;
    }

    /** Whether a new generate request must be refused as busy. */
    public boolean refusing() {
        return draining;
    }

    /**
     * Takes the worker out of routing. Idempotent. The discovery mark is written before this returns,
     * so once the operator sees 200 every frontend is about to stop routing here.
     *
     * @throws Refused while shutting down, or when discovery cannot be written (nothing changed then)
     */
    public synchronized Status drain() {
        requireNotShuttingDown("drained");
        if (!draining) {
            try {
                discovery.markDraining(true);
            } catch (RuntimeException e) {
                throw new Refused(
                        503, "could not mark this worker draining in discovery, nothing changed: " + e.getMessage());
            }
            draining = true;
            LOG.infof("Draining: new requests are refused as busy; %d in flight", inFlight.getAsInt());
        }
        return status();
    }

    /**
     * Returns the worker to service. Idempotent.
     *
     * @throws Refused while shutting down, or when discovery cannot be written (it stays draining)
     */
    public synchronized Status resume() {
        requireNotShuttingDown("resumed");
        if (draining) {
            try {
                discovery.markDraining(false);
            } catch (RuntimeException e) {
                throw new Refused(
                        503, "could not remove the draining mark from discovery, still draining: " + e.getMessage());
            }
            draining = false;
            LOG.info("Resumed: taking new requests again");
        }
        return status();
    }

    /** Shutdown has begun: drain and resume are refused from now on. */
    public void shuttingDown() {
        shuttingDown = true;
    }

    public Status status() {
        int running = Math.max(0, inFlight.getAsInt());
        State state;
        if (shuttingDown) {
            state = State.SHUTTING_DOWN;
        } else if (!draining) {
            state = State.SERVING;
        } else {
            state = running == 0 ? State.DRAINED : State.DRAINING;
        }
        // Deleting a worker that is shutting down with nothing in flight loses nothing either.
        boolean safe = running == 0 && (draining || shuttingDown);
        return new Status(state, running, safe);
    }

    private void requireNotShuttingDown(String what) {
        if (shuttingDown) {
            throw new Refused(409, "this worker is shutting down; it cannot be " + what);
        }
    }
}
