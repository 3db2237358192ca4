package dev.vigil.worker.metrics;

import static dev.vigil.worker.metrics.WorkerMetricNames.COMPONENT_TAG;
import static dev.vigil.worker.metrics.WorkerMetricNames.ENDPOINT_TAG;
import static dev.vigil.worker.metrics.WorkerMetricNames.NAMESPACE_TAG;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * One endpoint's request metrics, as Dynamo's work handler keeps them ({@code
 * dynamo_component_requests_total}, {@code _inflight_requests}, {@code _request_duration_seconds},
 * {@code _request_bytes_total}, {@code _response_bytes_total}, {@code _errors_total{error_type}}),
 * labelled with {@code dynamo_namespace}, {@code dynamo_component} and {@code dynamo_endpoint}. Every
 * series is registered at 0 when the endpoint is created, so rates and alerts work before the first
 * request. Thread-safe.
 */
public final class EndpointMetrics {

    /** The Prometheus client's default buckets, which Dynamo's endpoint histogram uses. */
    static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** The error types this worker's endpoints can report. */
    static final List<String> ERROR_TYPES = List.of(WorkerMetricNames.DESERIALIZATION, WorkerMetricNames.GENERATE);

    private final Counter requests;
    private final AtomicLong inflight = new AtomicLong();
    private final Timer duration;
    private final Counter requestBytes;
    private final Counter responseBytes;
    private final Map<String, Counter> errors;

    public EndpointMetrics(MeterRegistry registry, String namespace, String component, String endpoint) {
        Tags tags = Tags.of(NAMESPACE_TAG, namespace, COMPONENT_TAG, component, ENDPOINT_TAG, endpoint);
        requests = Counter.builder(WorkerMetricNames.REQUESTS)
                .tags(tags)
                .description("Total number of requests processed by work handler")
                .register(registry);
        Gauge.builder(WorkerMetricNames.INFLIGHT_REQUESTS, inflight, AtomicLong::get)
                .tags(tags)
                .description("Number of requests currently being processed by work handler")
                .register(registry);
        duration = Timer.builder(WorkerMetricNames.REQUEST_DURATION)
                .tags(tags)
                .description("Time spent processing requests by work handler")
                .serviceLevelObjectives(java.util.Arrays.stream(DEFAULT_BUCKETS)
                        .mapToObj(seconds -> Duration.ofNanos(Math.round(seconds * 1e9)))
                        .toArray(Duration[]::new))
                .register(registry);
        requestBytes = Counter.builder(WorkerMetricNames.REQUEST_BYTES)
                .tags(tags)
                .description("Total number of bytes received in requests by work handler")
                .register(registry);
        responseBytes = Counter.builder(WorkerMetricNames.RESPONSE_BYTES)
                .tags(tags)
                .description("Total number of bytes sent in responses by work handler")
                .register(registry);
        errors = ERROR_TYPES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), type -> Counter.builder(
                        WorkerMetricNames.ERRORS)
                .tags(tags)
                .tag(WorkerMetricNames.ERROR_TYPE_TAG, type)
                .description("Total number of errors in work handler processing")
                .register(registry)));
    }

    /** A request of {@code bytes} arrived: counted, and in flight until {@link #ended}. */
    public void started(int bytes) {
        requests.increment();
        requestBytes.increment(bytes);
        inflight.incrementAndGet();
    }

    public void responded(int bytes) {
        responseBytes.increment(bytes);
    }

    /** The request ended (completed, failed or cancelled) {@code nanos} after it arrived. */
    public void ended(long nanos) {
        inflight.decrementAndGet();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The request failed; {@code errorType} is one of {@link #ERROR_TYPES}. */
    public void failed(String errorType) {
        Counter counter = errors.get(errorType);
        if (counter == null) {
            throw new IllegalArgumentException("unknown error type " + errorType);
        }
        counter.increment();
    }
}
