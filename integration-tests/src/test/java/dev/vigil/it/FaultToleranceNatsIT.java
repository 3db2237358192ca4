package dev.vigil.it;

import java.time.Duration;

import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.transport.nats.NatsPlaneSettings;

/**
 * The fault-tolerance scenarios on the NATS plane ({@code DYN_REQUEST_PLANE=nats}). A SIGKILLed
 * worker is noticed by the 1 s silence timeout, so a migrated stream's longest gap is about that.
 */
@Timeout(300)
class FaultToleranceNatsIT extends FaultToleranceScenarios {

    @Override
    String requestPlane() {
        return "nats";
    }

    /** The silence timeout, a new first token, and room for a loaded machine. */
    @Override
    Duration migrationGapBound() {
        return NatsPlaneSettings.defaults().silenceTimeout().plusSeconds(3);
    }

    @Override
    boolean deathNoticedBySilence() {
        return true;
    }
}
