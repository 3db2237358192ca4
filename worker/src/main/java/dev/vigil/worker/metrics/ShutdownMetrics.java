package dev.vigil.worker.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.runtime.lifecycle.ShutdownObserver;
import dev.vigil.runtime.lifecycle.ShutdownStage;

/**
 * Dynamo's shutdown gauges, set at each stage transition: the stage durations by reason, the budget
 * left and the requests in flight. They exist only once a shutdown began; scrape them (or read the
 * stage logs) before the process is gone.
 */
@ApplicationScoped
public class ShutdownMetrics implements ShutdownObserver {

    /** A gauge's current value. */
    private static final class Value {
        volatile double value;
    }

    @Inject
    MeterRegistry registry;

    private final Map<String, Value> stages = new ConcurrentHashMap<>();
    private final Value remaining = new Value();
    private final Value inFlight = new Value();
    private volatile boolean registered;

    @Override
    public void stage(
            ShutdownStage stage,
            ShutdownStage.Reason reason,
            Duration elapsed,
            Duration remainingBudget,
            int requests) {
        registerOnce();
        stages.computeIfAbsent(stage.wireName() + "/" + reason.wireName(), key -> {
                            Value value = new Value();
                            Gauge.builder(WorkerMetricNames.SHUTDOWN_STAGE_SECONDS, value, v -> v.value)
                                    .description("How long each stage of the graceful shutdown took")
                                    .tag(WorkerMetricNames.STAGE_TAG, stage.wireName())
                                    .tag(WorkerMetricNames.REASON_TAG, reason.wireName())
                                    .register(registry);
                            return value;
                        })
                        .value =
                elapsed.toNanos() / 1e9;
        remaining.value = remainingBudget.toNanos() / 1e9;
        inFlight.value = requests;
    }

    private synchronized void registerOnce() {
        if (registered) {
            return;
        }
        registered = true;
        Gauge.builder(WorkerMetricNames.SHUTDOWN_REMAINING_SECONDS, remaining, v -> v.value)
                .description("What is left of the shutdown budget, at the last stage transition")
                .register(registry);
        Gauge.builder(WorkerMetricNames.SHUTDOWN_INFLIGHT_REQUESTS, inFlight, v -> v.value)
                .description("Requests in flight, at the last stage transition")
                .register(registry);
    }
}
