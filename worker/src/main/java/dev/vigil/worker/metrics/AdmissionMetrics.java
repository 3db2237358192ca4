package dev.vigil.worker.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.vigil.worker.admission.AdmissionQueue;

/**
 * The admission queue's series, all Vigil's: {@code vigil_worker_admission_queue_depth}, {@code
 * vigil_worker_admission_wait_seconds} and {@code vigil_worker_admission_rejected_total{reason}},
 * registered at 0 whether admission is on or not, so dashboards and alerts need no special case.
 */
public final class AdmissionMetrics implements AdmissionQueue.Listener {

    /** Waits from none to the longest sensible queue timeout. */
    static final double[] WAIT_BUCKETS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final MeterRegistry registry;
    private final Timer wait;
    private final Map<AdmissionQueue.Rejection, Counter> rejected = new EnumMap<>(AdmissionQueue.Rejection.class);

    public AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
        wait = Timer.builder(WorkerMetricNames.ADMISSION_WAIT)
                .description("Time requests waited in the admission queue for a slot in the engine")
                .serviceLevelObjectives(Arrays.stream(WAIT_BUCKETS)
                        .mapToObj(seconds -> Duration.ofNanos(Math.round(seconds * 1e9)))
                        .toArray(Duration[]::new))
                .register(registry);
        for (AdmissionQueue.Rejection rejection : AdmissionQueue.Rejection.values()) {
            rejected.put(
                    rejection,
                    Counter.builder(WorkerMetricNames.ADMISSION_REJECTED)
                            .tag(WorkerMetricNames.REASON_TAG, rejection.label())
                            .description("Requests the admission queue answered busy, by reason")
                            .register(registry));
        }
    }

    /** The queue depth gauge, read from {@code waiting} at each scrape. */
    public void depthOf(IntSupplier waiting) {
        // Held strongly: a gauge keeps its object weakly, and nothing else holds this lambda.
        Gauge.builder(WorkerMetricNames.ADMISSION_QUEUE_DEPTH, waiting, IntSupplier::getAsInt)
                .strongReference(true)
                .description("Requests waiting in the admission queue for a slot in the engine")
                .register(registry);
    }

    @Override
    public void admitted(long waitedNanos) {
        wait.record(waitedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rejected(AdmissionQueue.Rejection rejection) {
        rejected.get(rejection).increment();
    }
}
