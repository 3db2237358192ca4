package dev.vigil.worker.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.time.ManualClock;

/** The engine's own load is published while it is fresh; after that the requests in flight are. */
class EngineLoadTest {

    static final String METRICS = "llamacpp:requests_processing 2\n"
            + "llamacpp:requests_deferred 3\n"
            + "llamacpp:kv_cache_usage_ratio 0.5\n";

    final ManualClock clock = new ManualClock();
    final EngineLoad load = new EngineLoad(null, clock);

    @Test
    void withoutMetricsTheLoadIsTheRequestsInFlight() {
        assertEquals(new LoadMetrics(7, 0, 0, 0, 0, 4, 0), load.loadMetrics(7, 4));
    }

    @Test
    void theEnginesMetricsCountForTenSecondsAfterTheyWereRead() {
        load.answered(new EngineClient.Answer(200, METRICS));
        LoadMetrics engines = new LoadMetrics(7, 500, 1000, 0, 500, 2, 3);
        assertEquals(engines, load.loadMetrics(7, 4));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(engines, load.loadMetrics(7, 4), "ten seconds old: still trusted");
        clock.advance(Duration.ofNanos(1));
        assertEquals(new LoadMetrics(7, 0, 0, 0, 0, 4, 0), load.loadMetrics(7, 4), "older: stale");
        load.answered(new EngineClient.Answer(200, METRICS));
        assertEquals(engines, load.loadMetrics(7, 4), "read again: fresh again");
    }

    @Test
    void anAnswerThatIsNoMetricsKeepsTheLastOnes() {
        load.answered(new EngineClient.Answer(200, METRICS));
        clock.advance(Duration.ofSeconds(6));
        load.answered(new EngineClient.Answer(500, "oops"));
        load.answered(new EngineClient.Answer(200, "process_cpu_seconds_total 1\n"));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(4, load.loadMetrics(7, 4).activeSequences(), "aged from the last good read");
    }
}
