package dev.vigil.frontend.api;

import java.time.Duration;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;

import dev.vigil.frontend.api.OpenAiResponses.Usage;
import dev.vigil.frontend.metrics.FrontendMetrics;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.frontend.metrics.RequestMetrics;
import dev.vigil.runtime.protocol.EngineOutput;

/**
 * The client's end of one request: what it is sent (one continuous stream, or one JSON body, made
 * from every attempt's tokens), and what it does to the request — it goes away, stops reading, drains
 * again, or stays full for {@code DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS}. Its callbacks take the
 * request's lock, the operator's, so the two ends see one state.
 */
final class ClientEnd implements ClientResponse.Backpressure {

    private static final Logger LOG = Logger.getLogger(ClientEnd.class);

    /** What the client's end needs of the attempts' end. */
    interface Attempts {
        /** Ends the request's attempts; {@code kill} has the worker drop it. False when already over. */
        boolean finish(boolean kill);

        /** Pauses (or resumes) the attempt running, because the client stopped (or resumed) reading. */
        void hold(boolean paused);
    }

    private final CompletionRequest request;
    private final String requestId;
    private final RequestMetrics.Request tracked;
    private final ClientResponse client;
    private final OpenAiResponses responses;
    private final FrontendMetrics metrics;
    private final Generated generated;
    private final int promptTokens;
    private final Duration stallTimeout;
    private final DeadlineTimer deadline;
    private final MigrationGap gap;
    private final Object lock;
    private final Attempts attempts;
    /** The client stopped reading: every attempt's stream is paused until it drains. */
    private boolean paused;

    ClientEnd(
            CompletionRequest request,
            String requestId,
            RequestMetrics.Request tracked,
            ClientResponse client,
            OpenAiResponses responses,
            FrontendMetrics metrics,
            Generated generated,
            Duration stallTimeout,
            DeadlineTimer deadline,
            MigrationGap gap,
            Object lock,
            Attempts attempts) {
        this.request = request;
        this.requestId = requestId;
        this.tracked = tracked;
        this.client = client;
        this.responses = responses;
        this.metrics = metrics;
        this.generated = generated;
        this.promptTokens = generated.promptTokens();
        this.stallTimeout = stallTimeout;
        this.deadline = deadline;
        this.gap = gap;
        this.lock = lock;
        this.attempts = attempts;
    }

    /**
     * Starts listening to the client: its close, and for a stream its socket's backpressure; and
     * starts the request's deadline.
     */
    void watch(Vertx vertx) {
        deadline.arm(DeadlineTimer.Timers.of(vertx), this::expired);
        client.onClientGone(this::gone);
        if (request.stream()) {
            client.watchBackpressure(vertx, stallTimeout, this);
        }
    }

    /** Whether new attempts must start paused. */
    boolean reading() {
        return !paused;
    }

    /** One frame of an attempt's output: kept for a continuation, and streamed to the client. */
    void take(EngineOutput out) {
        String piece = generated.add(out);
        int tokens = out.tokenIds() == null ? 0 : out.tokenIds().size();
        tracked.tokens(tokens, promptTokens);
        if (tokens > 0) {
            gap.token();
        }
        if (request.stream() && !piece.isEmpty()) {
            client.event(responses.chunk(piece, null, !client.streaming()));
        }
    }

    /** The plane delivered everything it held for the client: write it out. */
    void flush() {
        client.flush();
    }

    /** Another attempt takes the request over: the gap the client sees starts at its last token. */
    void migrating() {
        gap.migrating();
    }

    /** The request ended well: the final chunk (and usage), or the whole answer. */
    void succeeded() {
        deadline.cancel();
        tracked.succeeded();
        Usage usage = Usage.of(promptTokens, generated.count());
        if (request.stream()) {
            client.event(responses.chunk(null, generated.finishReason(), !client.streaming()));
            if (request.includeUsage()) {
                client.event(responses.usageChunk(usage));
            }
            client.done();
        } else {
            client.json(responses.whole(generated.text(), generated.finishReason(), usage));
        }
    }

    void failed(ApiError error) {
        deadline.cancel();
        tracked.failed(error.status(), error.overload());
        metrics.dropped(request.model(), error.dropReason());
        client.fail(error);
    }

    /**
     * Whether the deadline has passed, ending the request if it has: an attempt that fails once it
     * passed is never retried or migrated, even when the deadline's timer has not run yet.
     */
    boolean expiredNow() {
        if (!deadline.passed()) {
            return false;
        }
        expired();
        return true;
    }

    /**
     * The deadline passed: the worker is told to drop the request (as when the client goes), and the
     * client gets a 504, or an SSE error event once its stream started. Nothing is retried or migrated
     * afterwards: the request is finished for its attempts' end.
     */
    private void expired() {
        synchronized (lock) {
            if (!attempts.finish(true)) {
                return;
            }
            String phase = generated.count() == 0 ? MetricNames.BEFORE_FIRST_TOKEN : MetricNames.STREAMING;
            LOG.warnf(
                    "Request %s reached its deadline of %d ms (%s); cancelling it",
                    requestId, deadline.timeout().toMillis(), phase);
            metrics.deadlineExceeded(request.model(), phase);
            failed(ApiError.deadlineExceeded(deadline.timeout()));
        }
    }

    @Override
    public void paused() {
        hold(true);
    }

    @Override
    public void resumed() {
        hold(false);
    }

    private void hold(boolean paused) {
        synchronized (lock) {
            if (this.paused != paused) {
                this.paused = paused;
                attempts.hold(paused);
            }
        }
    }

    @Override
    public void stalled() {
        cut(
                MetricNames.STALLED,
                "its connection took no data for " + stallTimeout.toSeconds()
                        + " s (DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS)");
    }

    /**
     * The client stopped reading for too long, or the stream's bound was reached: the request is
     * killed at the worker (its engine stops generating), counted as a disconnected client and as a
     * slow client cut; nothing counts against the worker.
     */
    void cut(String reason, String why) {
        synchronized (lock) {
            deadline.cancel();
            metrics.slowClientCut(request.model(), reason);
            if (!attempts.finish(true)) {
                LOG.warnf(
                        "Closing the connection of request %s: the client did not read its response: %s",
                        requestId, why);
                return;
            }
            LOG.warnf("Cutting request %s: the client did not read its stream: %s", requestId, why);
            tracked.cancelled();
        }
    }

    /** Closes the client's connection (after a cut for a full buffer). */
    void close() {
        client.close();
    }

    private void gone() {
        synchronized (lock) {
            deadline.cancel();
            if (attempts.finish(true)) {
                LOG.warnf("Connection closed unexpectedly; issuing cancellation for %s", responses.id());
                metrics.cancellation(request.model(), request.kind().endpointLabel(), request.stream());
                tracked.cancelled();
            }
        }
    }
}
