package dev.vigil.it;

import java.time.Duration;

/**
 * The fault-tolerance scenarios on the NATS plane ({@code DYN_REQUEST_PLANE=nats}). A SIGKILLed
 * worker is noticed by the 1 s silence timeout, so a migrated stream's longest gap is about that.
 */
class FaultToleranceNatsIT extends FaultToleranceScenarios {

    @Override
    String requestPlane() {
        return "nats";
    }

    @Override
    Duration migrationGapBound() {
        return Duration.ofSeconds(2);
    }
}
