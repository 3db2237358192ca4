package dev.vigil.frontend.routing;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import dev.vigil.frontend.metrics.FrontendMetrics;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.transport.StreamError;

/**
 * What one request does when an attempt fails: the frontend's fault-tolerance policy, in one place.
 * Made for each request by {@link FailurePolicies}; it keeps what the request has spent (retries,
 * migrations, the instances that said they were full) and answers each failure with a {@link
 * Decision}. The caller carries the decision out; it never decides itself.
 *
 * <p>The rules, in order: an engine that was full takes the request elsewhere at once, spending
 * nothing, until every instance refused it (busy is not dead); a client that could not keep up is
 * cut; an engine error ends the request (Dynamo does not migrate it); a transport failure before the
 * first token is retried after a jittered backoff while {@code DYN_RETRY_MAX_ATTEMPTS} and the retry
 * budget allow, and otherwise, or after the first token, migrated while {@code DYN_MIGRATION_LIMIT}
 * and {@code DYN_MIGRATION_MAX_SEQ_LEN} allow. The log lines and counters are Dynamo's.
 *
 * <p>Not thread-safe: the request's operator calls it under its own lock.
 */
public final class FailurePolicy {

    private static final Logger LOG = Logger.getLogger(FailurePolicy.class);

    /** What to do after a failed attempt; {@link #carryOut} hands it to the one who does it. */
    public sealed interface Decision {
        void carryOut(Handler handler);
    }

    /** Carries decisions out: the request's operator. */
    public interface Handler {
        void retry(Retry retry);

        void migrate(Migrate migrate);

        void fail(Fail fail);

        void allBusy(AllBusy allBusy);

        void cut(Cut cut);
    }

    /** Send the request again after {@code delayMs}, then ask {@link #afterBackoff()} where. */
    public record Retry(long delayMs) implements Decision {
        @Override
        public void carryOut(Handler handler) {
            handler.retry(this);
        }
    }

    /** Send the request, with what was generated so far, to {@code next} now. */
    public record Migrate(Attempt next) implements Decision {
        @Override
        public void carryOut(Handler handler) {
            handler.migrate(this);
        }
    }

    /** End the request: {@code backendError} for an engine's failure (500), else unavailable (503). */
    public record Fail(boolean backendError, String message) implements Decision {
        @Override
        public void carryOut(Handler handler) {
            handler.fail(this);
        }
    }

    /** End the request: every instance it was sent to said its engine was full. */
    public record AllBusy(int status, int instances, String message) implements Decision {
        @Override
        public void carryOut(Handler handler) {
            handler.allBusy(this);
        }
    }

    /** The client did not take its stream: cut it, counting {@code reason} (a {@link MetricNames} value). */
    public record Cut(String reason, String message) implements Decision {
        @Override
        public void carryOut(Handler handler) {
            handler.cut(this);
        }
    }

    private final FailurePolicies.Settings settings;
    private final Router router;
    private final FrontendMetrics metrics;
    private final String model;
    private final String endpoint;
    private final String requestId;

    private int retriesLeft;
    private int retries;
    private int migrationsLeft;
    private boolean migratable = true;
    /** Instances whose engine said it was full for this request: they are not asked again. */
    private Set<InstanceId> refusedBusy = Set.of();
    /** The instance the last attempt failed on: a retry or migration never fails open back onto it. */
    private InstanceId failedOn;

    FailurePolicy(
            FailurePolicies.Settings settings,
            Router router,
            FrontendMetrics metrics,
            String model,
            String endpoint,
            String requestId) {
        this.settings = settings;
        this.router = router;
        this.metrics = metrics;
        this.model = model;
        this.endpoint = endpoint;
        this.requestId = requestId;
        this.retriesLeft = settings.maxRetries();
        this.migrationsLeft = settings.migrationLimit();
        settings.budget().request();
    }

    /** Whether a continuation may ever be sent: the caller then keeps every generated token. */
    public boolean mayMigrate() {
        return settings.migrationLimit() > 0;
    }

    /** Dynamo disables migration, once, for a sequence strictly longer than the limit. */
    public void sequenceLength(int tokens) {
        Integer max = settings.maxSeqLen();
        if (migratable && max != null && tokens > max) {
            migratable = false;
            LOG.warnf("Sequence length %d exceeds migration max_seq_len %d, disabling migration", tokens, max);
            metrics.maxSeqLenExceeded(model);
        }
    }

    /**
     * The attempt failed with {@code error} after {@code generated} tokens reached the client: tells
     * the router what it says about the instance, and decides what the request does next.
     */
    public Decision failed(Attempt attempt, StreamError error, int generated) {
        attempt.failed(error);
        failedOn = attempt.instance().id();
        if (error instanceof StreamError.Busy) {
            return busy(attempt, error);
        }
        if (error instanceof StreamError.CallerTooSlow) {
            // The plane already told the worker to drop it; the client is the one at fault.
            return new Cut(MetricNames.BUFFER_FULL, error.message());
        }
        if (error instanceof StreamError.Backend) {
            return new Fail(true, "Backend error: " + error.message());
        }
        if (generated == 0 && retriesLeft > 0) {
            if (settings.budget().tryRetry()) {
                return retry(error);
            }
            LOG.warnf("Not retrying %s: the retry budget is spent (%s)", requestId, name(error));
            metrics.retry(model, MetricNames.BUDGET_EXHAUSTED);
        }
        Optional<Attempt> next = migrate(error, generated);
        return next.isPresent() ? new Migrate(next.get()) : new Fail(false, name(error) + ": " + error.message());
    }

    /** The backoff of a {@link Retry} is over: where the request goes now. */
    public Decision afterBackoff() {
        return router.next(model, Set.of(), failedOn)
                .<Decision>map(Migrate::new)
                .orElseGet(() -> new Fail(false, Router.noLiveInstance(model)));
    }

    /**
     * The engine was full and took nothing: the request goes at once to an instance that has not
     * refused it, spending no retry or migration; when every instance refused, the client gets the
     * all-busy answer.
     */
    private Decision busy(Attempt attempt, StreamError error) {
        if (refusedBusy.isEmpty()) {
            refusedBusy = new HashSet<>();
        }
        refusedBusy.add(attempt.instance().id());
        metrics.busyAnswer(model);
        Optional<Attempt> next = router.next(model, refusedBusy, null);
        if (next.isPresent()) {
            LOG.infof(
                    "Instance %s is busy (%s); sending request %s to instance %s",
                    attempt.instance().id().hex(),
                    error.message(),
                    requestId,
                    next.get().instance().id().hex());
            return new Migrate(next.get());
        }
        LOG.warnf(
                "Rejecting request %s: the engines of all %d workers it was sent to are full (last: %s)",
                requestId, refusedBusy.size(), error.message());
        metrics.rejection(model, endpoint);
        return new AllBusy(settings.overloadStatus(), refusedBusy.size(), error.message());
    }

    /** Before the first token, the client sees nothing of a retry. */
    private Decision retry(StreamError error) {
        retriesLeft--;
        int number = ++retries;
        long delay = backoffMs(number);
        metrics.retry(model, MetricNames.RETRIED);
        LOG.infof(
                "Retrying request %s before its first token (%d of %d) in %d ms after %s: %s",
                requestId, number, settings.maxRetries(), delay, name(error), error.message());
        return new Retry(Math.max(1, delay));
    }

    /**
     * A re-dispatch after a transport failure, if the limit and the sequence length allow. An ongoing
     * stream's disconnection is counted even when it cannot be recreated, as Dynamo counts it.
     */
    private Optional<Attempt> migrate(StreamError error, int generated) {
        // A worker whose engine failed mid-stream is Dynamo's Backend(EngineShutdown), and a stream
        // that went silent its ResponseTimeout: ongoing requests too.
        boolean ongoing = error instanceof StreamError.Disconnected
                || error instanceof StreamError.EngineShutdown
                || error instanceof StreamError.ResponseTimeout;
        if (ongoing) {
            LOG.warnf("Stream disconnected... recreating stream... %s: %s", name(error), error.message());
            metrics.migration(model, MetricNames.ONGOING_REQUEST);
        }
        if (!migratable || migrationsLeft == 0) {
            LOG.warnf("Cannot recreate stream: %s", migratable ? "Migration limit exhausted" : "migration disabled");
            return Optional.empty();
        }
        Optional<Attempt> next = router.next(model, Set.of(), failedOn);
        if (next.isEmpty()) {
            LOG.warnf("Cannot recreate stream: no instance left for %s", model);
            return next;
        }
        if (!ongoing) {
            LOG.warnf("Creating new stream... retrying... %s: %s", name(error), error.message());
            metrics.migration(model, MetricNames.NEW_REQUEST);
        }
        migrationsLeft--;
        LOG.infof(
                "Migrating request %s to instance %s (%d of %d, %d tokens generated)",
                requestId,
                next.get().instance().id().hex(),
                settings.migrationLimit() - migrationsLeft,
                settings.migrationLimit(),
                generated);
        return next;
    }

    /**
     * The wait before retry {@code n} (1, 2, …): exponential with full jitter, uniform in [0, min(max,
     * base × 2^(n−1))], so retries from many requests spread out instead of arriving together.
     */
    long backoffMs(int n) {
        long ceiling = Math.min((long) settings.backoffMaxMs(), (long) settings.backoffBaseMs() << Math.min(n - 1, 20));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static String name(StreamError error) {
        return error.getClass().getSimpleName();
    }
}
