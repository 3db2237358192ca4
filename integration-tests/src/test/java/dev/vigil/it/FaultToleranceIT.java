package dev.vigil.it;

import java.time.Duration;

import org.junit.jupiter.api.Timeout;

/**
 * The fault-tolerance scenarios on the direct TCP plane (the default), with no nats-server at all. A
 * SIGKILLed worker's connection closes at once, so a migrated stream's longest gap is about one new
 * first token, not the silence timeout.
 */
@Timeout(300)
class FaultToleranceIT extends FaultToleranceScenarios {

    @Override
    String requestPlane() {
        return "tcp";
    }

    /**
     * About 0.1 s on a quiet machine (docs/benchmarks.md); the bound is room for a loaded one. That
     * the closed connection, not the 1 s silence timeout, ended the stream is asserted by cause.
     */
    @Override
    Duration migrationGapBound() {
        return Duration.ofMillis(1500);
    }

    @Override
    boolean deathNoticedBySilence() {
        return false;
    }
}
