package dev.vigil.frontend.metrics;

import static dev.vigil.frontend.metrics.MetricNames.CANCELLED;
import static dev.vigil.frontend.metrics.MetricNames.CHAT_COMPLETIONS;
import static dev.vigil.frontend.metrics.MetricNames.COMPLETIONS;
import static dev.vigil.frontend.metrics.MetricNames.ENDPOINT;
import static dev.vigil.frontend.metrics.MetricNames.ERROR;
import static dev.vigil.frontend.metrics.MetricNames.ERROR_TYPE;
import static dev.vigil.frontend.metrics.MetricNames.INTERNAL;
import static dev.vigil.frontend.metrics.MetricNames.MODEL;
import static dev.vigil.frontend.metrics.MetricNames.NO_ERROR;
import static dev.vigil.frontend.metrics.MetricNames.OVERLOAD;
import static dev.vigil.frontend.metrics.MetricNames.REQUEST_TYPE;
import static dev.vigil.frontend.metrics.MetricNames.STATUS;
import static dev.vigil.frontend.metrics.MetricNames.STREAM;
import static dev.vigil.frontend.metrics.MetricNames.SUCCESS;
import static dev.vigil.frontend.metrics.MetricNames.UNARY;
import static dev.vigil.frontend.metrics.MetricNames.UNAVAILABLE;
import static dev.vigil.frontend.metrics.MetricNames.VALIDATION;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.DoubleStream;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.vigil.runtime.time.Clock;

/**
 * Dynamo's frontend request metrics: requests by model, endpoint, request type, status and error
 * type; in-flight and queued requests; request duration, time to first token, inter-token latency,
 * input and output sequence lengths (names in {@link MetricNames}, buckets in {@link LogBuckets}).
 *
 * <p>Unlike Dynamo, every series of a model exists at 0 from the moment the model is discovered
 * ({@link #modelsKnown}), so a dashboard or an alert sees 0 rather than no data before the first
 * request or the first error. Series are kept when a model goes, as Dynamo keeps them, so counters
 * never restart while the process lives.
 */
@ApplicationScoped
public class RequestMetrics {

    /** The error types a request for a served model can end with; each gets its series up front. */
    static final List<String> ERROR_TYPES = List.of(VALIDATION, OVERLOAD, UNAVAILABLE, CANCELLED, INTERNAL);

    private static final List<String> ENDPOINTS = List.of(CHAT_COMPLETIONS, COMPLETIONS);
    private static final List<String> REQUEST_TYPES = List.of(STREAM, UNARY);

    @Inject
    MeterRegistry registry;

    /** Durations and times to first token are measured on it. */
    @Inject
    Clock clock = Clock.SYSTEM;

    private final Map<String, PerModel> models = new ConcurrentHashMap<>();
    private volatile Predicate<String> ready = model -> false;
    private final AtomicLong disconnectedClients = new AtomicLong();

    @PostConstruct
    void create() {
        Gauge.builder(MetricNames.DISCONNECTED_CLIENTS, disconnectedClients, AtomicLong::get)
                .description("Number of disconnected clients")
                .register(registry);
    }

    /** How {@code dynamo_frontend_model_ready} learns whether a model can be served, read at each scrape. */
    public void modelReadiness(Predicate<String> ready) {
        this.ready = ready;
    }

    /** Registers every series of these models at 0 (idempotent; models not listed keep theirs). */
    public void modelsKnown(Collection<String> names) {
        names.forEach(this::perModel);
    }

    /**
     * A request enters the frontend: it is in flight and queued until its first token.
     *
     * @param model the model's name, or {@link MetricNames#UNKNOWN_MODEL} when no worker serves it
     * @param endpoint {@link MetricNames#CHAT_COMPLETIONS} or {@link MetricNames#COMPLETIONS}
     */
    public Request start(String model, String endpoint, boolean stream) {
        return new Request(perModel(model), endpoint, stream ? STREAM : UNARY, clock.nanoTime());
    }

    private PerModel perModel(String model) {
        return models.computeIfAbsent(model, PerModel::new);
    }

    /** One request's life in the metrics; every end after the first is ignored. Thread-safe. */
    public final class Request {
        private final PerModel model;
        private final String endpoint;
        private final String requestType;
        private final long startNanos;
        private final AtomicBoolean ended = new AtomicBoolean();
        private boolean queued = true;
        private long lastTokenNanos;
        private long outputTokens;

        private Request(PerModel model, String endpoint, String requestType, long startNanos) {
            this.model = model;
            this.endpoint = endpoint;
            this.requestType = requestType;
            this.startNanos = startNanos;
            model.inflight.incrementAndGet();
            model.queued.incrementAndGet();
        }

        /**
         * {@code tokens} new output tokens arrived. The first batch ends the queue time and gives the
         * time to first token and the input length (as Dynamo, both at the first token); the time
         * since the previous batch is shared out over its tokens as inter-token latency.
         */
        public synchronized void tokens(int tokens, int promptTokens) {
            if (tokens <= 0 || ended.get()) {
                return;
            }
            long now = clock.nanoTime();
            model.outputTokens.increment(tokens);
            if (queued) {
                queued = false;
                model.queued.decrementAndGet();
                model.timeToFirstToken.record(now - startNanos, TimeUnit.NANOSECONDS);
                model.inputSequence.record(promptTokens);
            } else {
                long perToken = (now - lastTokenNanos) / tokens;
                for (int i = 0; i < tokens; i++) {
                    model.interTokenLatency.record(perToken, TimeUnit.NANOSECONDS);
                }
            }
            lastTokenNanos = now;
            outputTokens += tokens;
        }

        public void succeeded() {
            end(SUCCESS, NO_ERROR);
        }

        /** The client went away before its response ended. */
        public void cancelled() {
            if (end(ERROR, CANCELLED)) {
                disconnectedClients.incrementAndGet();
            }
        }

        /**
         * The request ended with this HTTP error status (before or after streaming started).
         *
         * @param overload whether it was refused because every worker was busy (503 or 529)
         */
        public void failed(int status, boolean overload) {
            end(ERROR, errorType(status, overload));
        }

        private synchronized boolean end(String status, String errorType) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            model.inflight.decrementAndGet();
            if (queued) {
                queued = false;
                model.queued.decrementAndGet();
            }
            model.duration.record(clock.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            if (outputTokens > 0) {
                model.outputSequence.record(outputTokens);
            }
            model.requestsCached(endpoint, requestType, status, errorType).increment();
            return true;
        }
    }

    // The fault-tolerance counters, built in one place so that their pre-registered series and the
    // ones moved by events (FrontendMetrics) are the same meters, with the same HELP text.

    /** {@code dynamo_frontend_model_migration_total{model,migration_type}}. */
    public static Counter migrations(MeterRegistry registry, String model, String type) {
        return Counter.builder(MetricNames.MIGRATION)
                .tags(MODEL, model, MetricNames.MIGRATION_TYPE, type)
                .description("Total number of request migrations due to worker unavailability")
                .register(registry);
    }

    /** {@code dynamo_frontend_model_migration_max_seq_len_exceeded_total{model}}. */
    public static Counter maxSeqLenExceeded(MeterRegistry registry, String model) {
        return Counter.builder(MetricNames.MAX_SEQ_LEN_EXCEEDED)
                .tags(MODEL, model)
                .description("Total number of times migration was disabled by max_seq_len limit")
                .register(registry);
    }

    /** {@code dynamo_frontend_model_cancellation_total{model,endpoint,request_type}}. */
    public static Counter cancellations(MeterRegistry registry, String model, String endpoint, String requestType) {
        return Counter.builder(MetricNames.CANCELLATION)
                .tags(MODEL, model, ENDPOINT, endpoint, REQUEST_TYPE, requestType)
                .description("Total number of request cancellations")
                .register(registry);
    }

    /** {@code dynamo_frontend_model_rejection_total{model,endpoint}}. */
    public static Counter rejections(MeterRegistry registry, String model, String endpoint) {
        return Counter.builder(MetricNames.REJECTION)
                .tags(MODEL, model, ENDPOINT, endpoint)
                .description("Total number of requests rejected due to resource exhaustion")
                .register(registry);
    }

    /** Dynamo's {@code error_type} for an HTTP error status. */
    static String errorType(int status, boolean overload) {
        if (overload || status == 429 || status == 529) {
            return OVERLOAD;
        }
        if (status == 404) {
            return MetricNames.NOT_FOUND;
        }
        if (status == 503) {
            return UNAVAILABLE;
        }
        return status >= 400 && status < 500 ? VALIDATION : INTERNAL;
    }

    /**
     * Dynamo's bounds without its first, 0: Micrometer takes only positive bounds, and no duration or
     * length recorded here is 0 or less, so that bucket would always read 0.
     */
    private static DoubleStream positive(LogBuckets buckets) {
        return Arrays.stream(buckets.bounds()).filter(bound -> bound > 0);
    }

    /** A model's meters, all registered when it is first seen. */
    private final class PerModel {
        final String name;
        final AtomicLong inflight = new AtomicLong();
        final AtomicLong queued = new AtomicLong();
        final Timer duration;
        final Timer timeToFirstToken;
        final Timer interTokenLatency;
        final DistributionSummary inputSequence;
        final DistributionSummary outputSequence;
        final Counter outputTokens;

        PerModel(String name) {
            this.name = name;
            Gauge.builder(MetricNames.INFLIGHT_REQUESTS, inflight, AtomicLong::get)
                    .tag(MODEL, name)
                    .description("Number of inflight requests")
                    .register(registry);
            Gauge.builder(MetricNames.QUEUED_REQUESTS, queued, AtomicLong::get)
                    .tag(MODEL, name)
                    .description("Number of requests in HTTP processing queue")
                    .register(registry);
            duration = timer(MetricNames.REQUEST_DURATION, "Duration of LLM requests", LogBuckets.REQUEST_DURATION);
            timeToFirstToken = timer(
                    MetricNames.TIME_TO_FIRST_TOKEN, "Time to first token in seconds", LogBuckets.TIME_TO_FIRST_TOKEN);
            interTokenLatency = timer(
                    MetricNames.INTER_TOKEN_LATENCY, "Inter-token latency in seconds", LogBuckets.INTER_TOKEN_LATENCY);
            inputSequence = summary(
                    MetricNames.INPUT_SEQUENCE_TOKENS, "Input sequence length in tokens", LogBuckets.INPUT_SEQUENCE);
            outputSequence = summary(
                    MetricNames.OUTPUT_SEQUENCE_TOKENS, "Output sequence length in tokens", LogBuckets.OUTPUT_SEQUENCE);
            outputTokens = Counter.builder(MetricNames.OUTPUT_TOKENS)
                    .tag(MODEL, name)
                    .description("Total number of output tokens generated (updates in real-time)")
                    .register(registry);
            if (!name.equals(MetricNames.UNKNOWN_MODEL)) {
                Gauge.builder(MetricNames.MODEL_READY, () -> ready.test(name) ? 1 : 0)
                        .tag(MODEL, name)
                        .description(
                                "Whether the frontend can route at least one inference request for the model (1 = ready, 0 = not ready)")
                        .register(registry);
                for (String endpoint : ENDPOINTS) {
                    for (String requestType : REQUEST_TYPES) {
                        requests(endpoint, requestType, SUCCESS, NO_ERROR);
                        ERROR_TYPES.forEach(type -> requests(endpoint, requestType, ERROR, type));
                        cancellations(registry, name, endpoint, requestType);
                    }
                    rejections(registry, name, endpoint);
                }
                migrations(registry, name, MetricNames.NEW_REQUEST);
                migrations(registry, name, MetricNames.ONGOING_REQUEST);
                maxSeqLenExceeded(registry, name);
            }
        }

        /** The request counters by their label values, so a request's end does not rebuild its meter id. */
        private final Map<List<String>, Counter> requestCounters = new ConcurrentHashMap<>();

        Counter requestsCached(String endpoint, String requestType, String status, String errorType) {
            return requestCounters.computeIfAbsent(
                    List.of(endpoint, requestType, status, errorType),
                    k -> requests(k.get(0), k.get(1), k.get(2), k.get(3)));
        }

        Counter requests(String endpoint, String requestType, String status, String errorType) {
            return Counter.builder(MetricNames.REQUESTS)
                    .tags(
                            MODEL,
                            name,
                            ENDPOINT,
                            endpoint,
                            REQUEST_TYPE,
                            requestType,
                            STATUS,
                            status,
                            ERROR_TYPE,
                            errorType)
                    .description("Total number of LLM requests processed")
                    .register(registry);
        }

        private Timer timer(String metric, String description, LogBuckets buckets) {
            return Timer.builder(metric)
                    .tag(MODEL, name)
                    .description(description)
                    .serviceLevelObjectives(positive(buckets)
                            .mapToObj(seconds -> Duration.ofNanos(Math.round(seconds * 1e9)))
                            .toArray(Duration[]::new))
                    .register(registry);
        }

        private DistributionSummary summary(String metric, String description, LogBuckets buckets) {
            return DistributionSummary.builder(metric)
                    .tag(MODEL, name)
                    .description(description)
                    .serviceLevelObjectives(positive(buckets).toArray())
                    .register(registry);
        }
    }
}
