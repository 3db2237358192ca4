package dev.vigil.frontend.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.vigil.frontend.api.OpenAiResponses.Usage;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.frontend.metrics.RequestMetrics;
import dev.vigil.frontend.routing.Router;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.protocol.WireFormatException;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;

/**
 * One OpenAI request in flight, as Dynamo's migration operator: sends it to the instance the router
 * admitted, turns the worker's token stream into the client's response, and when the worker cannot be
 * reached or its stream breaks, sends it again, with the same id, to the instance the router picks
 * now, carrying the prompt plus every token generated so far and {@code max_tokens} reduced by as
 * many, so the client sees one continuous stream. {@code DYN_MIGRATION_LIMIT} bounds the
 * re-dispatches; a request that grew beyond {@code DYN_MIGRATION_MAX_SEQ_LEN} tokens is not migrated.
 * If the client goes away the worker is told to drop the request.
 *
 * <p>All state changes hold this object's lock: attempts call back on transport threads, the client's
 * close on the HTTP thread.
 */
final class MigrationOperator {

    private static final Logger LOG = Logger.getLogger(MigrationOperator.class);

    private final CompletionRequest request;
    private final GenerateRequest original;
    /** {@code original} encoded, sent as is while nothing has been generated. */
    private final byte[] originalPayload;

    private final String requestId;
    private final Router router;
    private final RequestPlane plane;
    private final ClientResponse client;
    private final OpenAiResponses responses;
    private final FrontendMetrics metrics;
    private final RequestMetrics.Request tracked;
    private final int migrationLimit;
    private final Integer maxSeqLen;
    private final AttemptPolicy policy;
    private final StreamWatchdog.Settings watchdogSettings;
    private final int promptTokens;
    /**
     * What a continuation must carry: every generated token id (unboxed: a stream may run to tens of
     * thousands of tokens, 4 bytes each instead of ~20 boxed) and, for unary answers and engines that
     * tokenize themselves, the text so far. With migration off ({@code DYN_MIGRATION_LIMIT=0}, the
     * default) no continuation is ever sent, so a stream keeps only counts: what a stalled stream
     * costs the frontend does not grow with the tokens it already delivered.
     */
    private final boolean keepsHistory;

    private int[] generatedIds = new int[16];
    private int generatedCount;
    private final StringBuilder text = new StringBuilder();
    private String finishReason;
    private volatile boolean finished;
    private ResponseStream stream;
    private StreamWatchdog watchdog;
    private Instance current;
    /** The instance the attempt in flight runs on, until it ends; counted in the router. */
    private Instance runningOn;

    /** Instances whose engine said it was full for this request: it does not ask them again. */
    private Set<InstanceId> refusedBusy = Set.of();

    private int attempt;
    private int migrationsLeft;
    private int retriesLeft;
    private int retries;
    private boolean migratable = true;
    /** The client stopped reading: every attempt's stream is paused until it drains. */
    private boolean clientPaused;

    MigrationOperator(
            CompletionRequest request,
            GenerateRequest original,
            byte[] originalPayload,
            String requestId,
            Router router,
            RequestPlane plane,
            ClientResponse client,
            OpenAiResponses responses,
            FrontendMetrics metrics,
            RequestMetrics.Request tracked,
            int migrationLimit,
            Integer maxSeqLen,
            AttemptPolicy policy) {
        this.request = request;
        this.original = original;
        this.originalPayload = originalPayload;
        this.requestId = requestId;
        this.router = router;
        this.plane = plane;
        this.client = client;
        this.responses = responses;
        this.metrics = metrics;
        this.tracked = tracked;
        this.migrationLimit = migrationLimit;
        this.migrationsLeft = migrationLimit;
        this.keepsHistory = migrationLimit > 0;
        this.maxSeqLen = maxSeqLen;
        this.policy = policy;
        this.watchdogSettings = policy.watchdog();
        this.retriesLeft = policy.maxRetries();
        this.promptTokens = original.tokenIds().size();
        client.onClientGone(this::clientGone);
        if (request.stream()) {
            client.watchBackpressure(policy.vertx(), policy.clientStallTimeout(), new ClientBackpressure());
        }
    }

    /**
     * Flow control from the client's socket back to the engine: a client whose connection stops
     * taking writes pauses the attempt's stream (the plane stops granting the worker credit, the
     * worker pauses its engine); one that drains resumes it; one that stays full for {@code
     * DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS} is cut.
     */
    private final class ClientBackpressure implements ClientResponse.Backpressure {
        @Override
        public void paused() {
            synchronized (MigrationOperator.this) {
                if (clientPaused) {
                    return;
                }
                clientPaused = true;
                if (watchdog != null) {
                    watchdog.hold(true);
                }
                if (stream != null && !finished) {
                    stream.pause();
                }
            }
        }

        @Override
        public void resumed() {
            synchronized (MigrationOperator.this) {
                if (!clientPaused) {
                    return;
                }
                clientPaused = false;
                if (watchdog != null) {
                    watchdog.hold(false);
                }
                if (stream != null && !finished) {
                    stream.resume();
                }
            }
        }

        @Override
        public void stalled() {
            cut(
                    MetricNames.STALLED,
                    "its connection took no data for "
                            + policy.clientStallTimeout().toSeconds() + " s (DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS)");
        }
    }

    /**
     * The client stopped reading for too long, or the stream's bound was reached: the request is
     * killed at the worker (its engine stops generating), counted as a disconnected client and as a
     * slow client cut; nothing counts against the worker.
     */
    private synchronized void cut(String reason, String why) {
        metrics.slowClientCut(request.model(), reason);
        if (finished) {
            LOG.warnf("Closing the connection of request %s: the client did not read its response: %s", requestId, why);
            return;
        }
        finished = true;
        if (watchdog != null) {
            watchdog.stop();
        }
        endAttempt();
        LOG.warnf("Cutting request %s: the client did not read its stream: %s", requestId, why);
        tracked.cancelled();
        if (stream != null) {
            stream.kill();
        }
    }

    /** Sends the first attempt to the instance the router admitted the request to. */
    synchronized void start(Instance target) {
        if (policy.budget() != null) {
            policy.budget().request();
        }
        checkSequenceLength();
        send(target);
    }

    /** Sends the next attempt; false, with the client told why, when the request plane cannot carry it. */
    private boolean send(Instance target) {
        byte[] payload = generatedCount == 0 ? originalPayload : WireCodec.encode(continuation());
        if (payload.length > plane.maxPayloadBytes()) {
            // The prompt grew past what the plane carries: nothing any worker did wrong.
            LOG.warnf("Cannot recreate stream: %s", tooLarge(payload.length, plane.maxPayloadBytes()));
            fail(ApiError.payloadTooLarge(tooLarge(payload.length, plane.maxPayloadBytes())));
            return false;
        }
        endAttempt();
        current = target;
        runningOn = target;
        router.attemptStarted(target);
        int thisAttempt = ++attempt;
        if (watchdog != null) {
            watchdog.stop();
        }
        watchdog = StreamWatchdog.start(watchdogSettings, () -> silent(thisAttempt));
        stream = plane.call(target.address(), requestId, payload, new AttemptObserver(thisAttempt), policy.callbacks());
        if (finished) {
            stream.kill();
        } else if (clientPaused) {
            // A migration while the client does not read: the new attempt starts paused too.
            stream.pause();
            watchdog.hold(true);
        }
        return true;
    }

    /** The 413 message for a request body of {@code bytes} on a plane that carries at most {@code max}. */
    static String tooLarge(long bytes, long max) {
        return "Request too large: the tokenized prompt takes " + bytes
                + " bytes on the request plane, which carries at most " + max + " bytes; shorten the prompt";
    }

    /** The prompt plus what was generated so far, asking only for what is still missing. */
    private GenerateRequest continuation() {
        if (generatedCount == 0) {
            return original;
        }
        List<Integer> tokens = new ArrayList<>(original.tokenIds().size() + generatedCount);
        tokens.addAll(original.tokenIds());
        for (int i = 0; i < generatedCount; i++) {
            tokens.add(generatedIds[i]);
        }
        StopConditions stop = original.stopConditions();
        Integer max = stop.maxTokens() == null ? null : Math.max(0, stop.maxTokens() - generatedCount);
        // The text so far too, for engines that tokenize themselves: they continue it exactly.
        return new GenerateRequest(
                original.model(),
                tokens,
                stop.withMaxTokens(max),
                original.samplingOptions(),
                generatedCount,
                original.textInput() == null ? null : original.textInput().continuing(text.toString()));
    }

    /** Dynamo disables migration, once, for a sequence strictly longer than the limit. */
    private void checkSequenceLength() {
        int length = promptTokens + generatedCount;
        if (migratable && maxSeqLen != null && length > maxSeqLen) {
            migratable = false;
            LOG.warnf("Sequence length %d exceeds migration max_seq_len %d, disabling migration", length, maxSeqLen);
            metrics.maxSeqLenExceeded(request.model());
        }
    }

    /** Routes one attempt's callbacks; those of an attempt that was given up are dropped. */
    private final class AttemptObserver implements ResponseObserver {
        private final int number;

        AttemptObserver(int number) {
            this.number = number;
        }

        @Override
        public void onData(byte[] data) {
            synchronized (MigrationOperator.this) {
                if (number == attempt) {
                    data(data);
                }
            }
        }

        @Override
        public void onComplete() {
            synchronized (MigrationOperator.this) {
                if (number == attempt) {
                    complete();
                }
            }
        }

        @Override
        public void onError(StreamError error) {
            synchronized (MigrationOperator.this) {
                if (number == attempt) {
                    error(error);
                }
            }
        }

        @Override
        public void onCaughtUp() {
            synchronized (MigrationOperator.this) {
                // Whatever attempt it came from: what was gathered for the client goes out.
                client.flush();
            }
        }
    }

    /** The attempt in flight is over, however it ended. */
    private void endAttempt() {
        if (runningOn != null) {
            router.attemptEnded(runningOn);
            runningOn = null;
        }
    }

    /** The attempt produced nothing for the backend stream timeout: end it and try elsewhere. */
    private synchronized void silent(int number) {
        if (number != attempt || finished) {
            return;
        }
        LOG.warnf(
                "No response from instance %s for %d s; ending the attempt",
                current.id().hex(), watchdogSettings.timeout().toSeconds());
        stream.kill();
        error(new StreamError.ResponseTimeout("no response for "
                + watchdogSettings.timeout().toSeconds() + " s (DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS)"));
    }

    private synchronized void clientGone() {
        if (!finished) {
            finished = true;
            if (watchdog != null) {
                watchdog.stop();
            }
            endAttempt();
            LOG.warnf("Connection closed unexpectedly; issuing cancellation for %s", responses.id());
            metrics.cancellation(request.model(), request.kind().endpointLabel(), request.stream());
            tracked.cancelled();
            if (stream != null) {
                stream.kill();
            }
        }
    }

    private void data(byte[] data) {
        if (finished) {
            return;
        }
        watchdog.touch();
        EngineOutput out;
        try {
            out = WireCodec.decodeEngineOutput(data);
        } catch (WireFormatException e) {
            error(new StreamError.Backend("unreadable engine output: " + e.getMessage()));
            return;
        }
        List<Integer> ids = out.tokenIds() == null ? List.of() : out.tokenIds();
        String piece = out.text() == null ? "" : out.text();
        if (keepsHistory) {
            if (generatedCount + ids.size() > generatedIds.length) {
                generatedIds = java.util.Arrays.copyOf(
                        generatedIds, Math.max(generatedIds.length * 2, generatedCount + ids.size()));
            }
            for (Integer id : ids) {
                generatedIds[generatedCount++] = id == null ? 0 : id;
            }
        } else {
            generatedCount += ids.size();
        }
        tracked.tokens(ids.size(), promptTokens);
        checkSequenceLength();
        if (keepsHistory || !request.stream()) {
            text.append(piece);
        }
        if (out.finishReason() != null) {
            finishReason = out.finishReason();
        }
        if (request.stream() && !piece.isEmpty()) {
            client.event(responses.chunk(piece, null, !client.streaming()));
        }
    }

    private void complete() {
        if (finished) {
            return;
        }
        finished = true;
        watchdog.stop();
        endAttempt();
        router.reportSuccess(current);
        tracked.succeeded();
        String reason = finishReason == null ? EngineOutput.STOP : finishReason;
        Usage usage = Usage.of(promptTokens, generatedCount);
        if (request.stream()) {
            client.event(responses.chunk(null, reason, !client.streaming()));
            if (request.includeUsage()) {
                client.event(responses.usageChunk(usage));
            }
            client.done();
        } else {
            client.json(responses.whole(text.toString(), reason, usage));
        }
    }

    private void error(StreamError error) {
        if (finished) {
            return;
        }
        endAttempt();
        if (error instanceof StreamError.Busy) {
            busy(error);
            return;
        }
        if (error instanceof StreamError.CallerTooSlow) {
            // The plane already told the worker to drop it; the client is the one at fault.
            cut(MetricNames.BUFFER_FULL, error.message());
            client.close();
            return;
        }
        if (error instanceof StreamError.Backend) {
            router.reportError(current, error.message());
        } else {
            router.reportDown(current, name(error) + ": " + error.message());
            if (retry(error)) {
                return;
            }
            // finished: the next attempt could not even be sent, and the client was told why.
            if (migrate(error) || finished) {
                return;
            }
        }
        fail(
                error instanceof StreamError.Backend
                        ? ApiError.internal("Backend error: " + error.message())
                        : ApiError.unavailable(name(error) + ": " + error.message()));
    }

    /**
     * The worker's engine was full and took nothing: busy is not dead. The request goes at once to an
     * instance that has not refused it, spending no retry or migration and counting nothing against
     * the busy one; when every instance refused, the client gets the all-busy answer.
     */
    private void busy(StreamError error) {
        router.reportBusy(current);
        if (refusedBusy.isEmpty()) {
            refusedBusy = new HashSet<>();
        }
        refusedBusy.add(current.id());
        metrics.busyAnswer(request.model());
        Instance next = router.next(request.model(), refusedBusy).orElse(null);
        if (next != null) {
            LOG.infof(
                    "Instance %s is busy (%s); sending request %s to instance %s",
                    current.id().hex(), error.message(), requestId, next.id().hex());
            send(next);
            return;
        }
        LOG.warnf(
                "Rejecting request %s: the engines of all %d workers it was sent to are full (last: %s)",
                requestId, refusedBusy.size(), error.message());
        metrics.rejection(request.model(), request.kind().endpointLabel());
        fail(ApiError.allWorkersBusy(policy.overloadStatus(), OpenAiRoutes.RETRY_AFTER_SECS));
    }

    /**
     * Before the first token: sends the request again, to another worker, after a jittered backoff,
     * if this request has retries left and the frontend's retry budget allows. The client sees
     * nothing of it. Returns whether a retry is under way.
     */
    private boolean retry(StreamError error) {
        if (generatedCount > 0 || retriesLeft == 0) {
            return false;
        }
        if (!policy.budget().tryRetry()) {
            LOG.warnf("Not retrying %s: the retry budget is spent (%s)", requestId, name(error));
            metrics.retry(request.model(), MetricNames.BUDGET_EXHAUSTED);
            return false;
        }
        retriesLeft--;
        int number = ++retries;
        long delay = policy.backoffMs(number);
        metrics.retry(request.model(), MetricNames.RETRIED);
        LOG.infof(
                "Retrying request %s before its first token (%d of %d) in %d ms after %s: %s",
                requestId, number, policy.maxRetries(), delay, name(error), error.message());
        int failedAttempt = attempt;
        policy.vertx().setTimer(Math.max(1, delay), id -> retryNow(failedAttempt));
        return true;
    }

    private synchronized void retryNow(int failedAttempt) {
        if (finished || attempt != failedAttempt) {
            return;
        }
        Instance next = router.next(request.model()).orElse(null);
        if (next == null) {
            fail(ApiError.unavailable(Router.noLiveInstance(request.model())));
            return;
        }
        send(next);
    }

    /**
     * Re-dispatches after a transport failure if the budget and the sequence length allow. Returns
     * whether a new attempt is under way. The log lines and counters are Dynamo's: an ongoing stream's
     * disconnection is counted even when it cannot be recreated.
     */
    private boolean migrate(StreamError error) {
        // A worker whose engine failed mid-stream is Dynamo's Backend(EngineShutdown), and a stream
        // that went silent its ResponseTimeout: ongoing requests too.
        boolean ongoing = error instanceof StreamError.Disconnected
                || error instanceof StreamError.EngineShutdown
                || error instanceof StreamError.ResponseTimeout;
        if (ongoing) {
            LOG.warnf("Stream disconnected... recreating stream... %s: %s", name(error), error.message());
            metrics.migration(request.model(), MetricNames.ONGOING_REQUEST);
        }
        if (!migratable || migrationsLeft == 0) {
            LOG.warnf("Cannot recreate stream: %s", migratable ? "Migration limit exhausted" : "migration disabled");
            return false;
        }
        Instance next = router.next(request.model()).orElse(null);
        if (next == null) {
            LOG.warnf("Cannot recreate stream: no instance left for %s", request.model());
            return false;
        }
        if (!ongoing) {
            LOG.warnf("Creating new stream... retrying... %s: %s", name(error), error.message());
            metrics.migration(request.model(), MetricNames.NEW_REQUEST);
        }
        migrationsLeft--;
        LOG.infof(
                "Migrating request %s to instance %s (%d of %d, %d tokens generated)",
                requestId, next.id().hex(), migrationLimit - migrationsLeft, migrationLimit, generatedCount);
        return send(next);
    }

    private static String name(StreamError error) {
        return error.getClass().getSimpleName();
    }

    private void fail(ApiError error) {
        finished = true;
        endAttempt();
        if (watchdog != null) {
            watchdog.stop();
        }
        tracked.failed(error.status(), error.overload());
        client.fail(error);
    }
}
