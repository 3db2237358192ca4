package dev.vigil.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.vigil.runtime.lifecycle.ShutdownStage;

/** Dynamo's shutdown gauges: per stage and reason, plus the budget left and requests in flight. */
class ShutdownMetricsTest {

    @Test
    void eachTransitionSetsTheGauges() {
        ShutdownMetrics metrics = new ShutdownMetrics();
        metrics.registry = new SimpleMeterRegistry();
        assertNull(
                metrics.registry
                        .find(WorkerMetricNames.SHUTDOWN_REMAINING_SECONDS)
                        .gauge(),
                "none before a shutdown");

        metrics.stage(ShutdownStage.INFLIGHT, ShutdownStage.Reason.STARTED, Duration.ZERO, Duration.ofSeconds(20), 3);
        metrics.stage(
                ShutdownStage.INFLIGHT,
                ShutdownStage.Reason.TIMED_OUT,
                Duration.ofMillis(19_500),
                Duration.ofMillis(500),
                1);

        assertEquals(
                19.5,
                metrics.registry
                        .get(WorkerMetricNames.SHUTDOWN_STAGE_SECONDS)
                        .tags(WorkerMetricNames.STAGE_TAG, "inflight", WorkerMetricNames.REASON_TAG, "timed_out")
                        .gauge()
                        .value());
        assertEquals(
                0.0,
                metrics.registry
                        .get(WorkerMetricNames.SHUTDOWN_STAGE_SECONDS)
                        .tags(WorkerMetricNames.STAGE_TAG, "inflight", WorkerMetricNames.REASON_TAG, "started")
                        .gauge()
                        .value());
        assertEquals(
                0.5,
                metrics.registry
                        .get(WorkerMetricNames.SHUTDOWN_REMAINING_SECONDS)
                        .gauge()
                        .value());
        assertEquals(
                1.0,
                metrics.registry
                        .get(WorkerMetricNames.SHUTDOWN_INFLIGHT_REQUESTS)
                        .gauge()
                        .value());
    }
}
