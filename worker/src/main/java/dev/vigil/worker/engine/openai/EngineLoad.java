package dev.vigil.worker.engine.openai;

import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.time.Clock;

/**
 * The engine's load, read from its Prometheus {@code /metrics} ({@link EngineMetrics}) at every
 * {@link #scrape()}. An engine without that route (404) is not asked again; without fresh metrics
 * (none yet, or none for {@link #MAX_AGE_NANOS}), the requests in flight through this worker are the
 * load.
 */
final class EngineLoad {

    /** Logged as the engine's own lines. */
    private static final Logger LOG = Logger.getLogger(OpenAiEngine.class);

    /** Load metrics older than this are not trusted: the engine stopped reporting them. */
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EngineClient client;
    private final Clock clock;

    private volatile boolean scrape = true;
    private volatile EngineMetrics metrics;
    private volatile long metricsAt;

    EngineLoad(EngineClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Reads the engine's metrics, unless it has none. */
    void scrape() {
        if (!scrape) {
            return;
        }
        client.get("/metrics").onSuccess(this::answered);
    }

    /** The engine's answer to {@code /metrics}. */
    void answered(EngineClient.Answer answer) {
        if (answer.status() == 404) {
            scrape = false;
            LOG.infof("Engine has no /metrics: load is the requests in flight through this worker");
            return;
        }
        if (answer.status() / 100 == 2) {
            EngineMetrics.parse(answer.body()).ifPresent(m -> {
                metrics = m;
                metricsAt = clock.nanoTime();
            });
        }
    }

    /** The load to publish: the engine's, or {@code inFlight} running when its metrics are stale. */
    LoadMetrics loadMetrics(long workerId, int inFlight) {
        EngineMetrics m = metrics;
        if (m == null || clock.nanoTime() - metricsAt > MAX_AGE_NANOS) {
            return new LoadMetrics(workerId, 0, 0, 0, 0, inFlight, 0);
        }
        return new LoadMetrics(
                workerId, m.usedBlocks(), m.totalBlocks(), 0, m.usedBlocks(), Math.max(m.running(), 0), m.waiting());
    }
}
