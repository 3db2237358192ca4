package dev.vigil.runtime.transport;

/**
 * What either side of a request plane reports about the plane it is part of: one connection and one
 * bounded pool serve both the calls a process makes and the requests it serves, so these are the
 * plane's, not one side's. A health check or a gauge needs only this, whichever side it watches.
 */
public interface PlaneStatus {

    /**
     * Tasks this plane's bounded pool refused because every thread was busy and its queue full
     * ({@code PlaneExecutor}), and events dropped because a subscription's handler fell too far
     * behind: each was answered (a served request as busy) or dropped, never queued without bound.
     */
    default long rejectedTasks() {
        return 0;
    }

    /** Whether the plane is connected now (for health reporting). */
    boolean connected();
}
