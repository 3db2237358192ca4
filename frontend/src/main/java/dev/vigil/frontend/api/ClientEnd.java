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
        this.lock = lock;
        this.attempts = attempts;
    }

    /** Starts listening to the client: its close, and for a stream its socket's backpressure. */
    void watch(Vertx vertx) {
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
        tracked.tokens(out.tokenIds() == null ? 0 : out.tokenIds().size(), promptTokens);
        if (request.stream() && !piece.isEmpty()) {
            client.event(responses.chunk(piece, null, !client.streaming()));
        }
    }

    /** The plane delivered everything it held for the client: write it out. */
    void flush() {
        client.flush();
    }

    /** The request ended well: the final chunk (and usage), or the whole answer. */
    void succeeded() {
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
        tracked.failed(error.status(), error.overload());
        client.fail(error);
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
            if (attempts.finish(true)) {
                LOG.warnf("Connection closed unexpectedly; issuing cancellation for %s", responses.id());
                metrics.cancellation(request.model(), request.kind().endpointLabel(), request.stream());
                tracked.cancelled();
            }
        }
    }
}
