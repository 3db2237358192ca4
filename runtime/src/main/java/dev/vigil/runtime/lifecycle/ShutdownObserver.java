package dev.vigil.runtime.lifecycle;

import java.time.Duration;

/** Hears each stage of a graceful shutdown as it starts and ends (metrics, logs). */
public interface ShutdownObserver {

    ShutdownObserver NONE = (stage, reason, elapsed, remaining, inFlight) -> {};

    /**
     * @param elapsed how long the stage took ({@link Duration#ZERO} when it starts)
     * @param remaining what is left of the total budget
     * @param inFlight requests in flight at that moment
     */
    void stage(ShutdownStage stage, ShutdownStage.Reason reason, Duration elapsed, Duration remaining, int inFlight);
}
