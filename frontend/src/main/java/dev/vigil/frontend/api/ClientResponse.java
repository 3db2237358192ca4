package dev.vigil.frontend.api;

import java.time.Duration;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import dev.vigil.frontend.config.ErrorBodyFormat;
import dev.vigil.runtime.time.Clock;

/**
 * The HTTP side of one completion: one JSON body, or an SSE stream whose headers go out with the
 * first event. An error before the first event is a proper HTTP error; after it, the stream can only
 * end with an SSE {@code event: error}.
 *
 * <p>Methods are synchronized because the keep-alive timer writes from the event loop while the
 * request's events arrive from the request plane.
 */
final class ClientResponse {

    /** An SSE comment: clients ignore it, proxies see traffic. */
    static final String KEEP_ALIVE = ": keep-alive\n\n";

    /**
     * What the request does when its client stops reading and starts again: pause and resume the
     * worker's stream, and cut the request when the client stayed unwritable for the stall timeout.
     */
    interface Backpressure {
        /** The client's connection stopped taking writes (its write queue is full). */
        void paused();

        /** It drained: writes go out again. */
        void resumed();

        /** It stayed full for the stall timeout: the connection is being closed. */
        void stalled();
    }

    /**
     * What {@link #event} gathers before it writes without waiting for {@link #flush}: a burst of
     * tokens goes to the client as one write (one Netty message, one system call) instead of one per
     * token, which is also what a client that stopped reading holds in the write queue.
     */
    static final int GATHER_BYTES = 16 * 1024;

    private final HttpServerResponse response;
    /** The one event gathered since the last write, or null (then see {@link #gathered}). */
    private String single;
    /** Events gathered since the last write when there is more than one, or null. */
    private Buffer gathered;

    private Backpressure backpressure;
    private Duration stallTimeout;
    private boolean full;
    private long stallTimer = -1;
    private boolean streaming;
    private boolean ended;
    private final Clock clock;
    /** How a failure is worded, before streaming and in the SSE error event after. */
    private final ErrorBodyFormat errorFormat;

    private long lastWriteNanos;
    private Vertx timers;
    private long keepAliveTimer = -1;

    ClientResponse(HttpServerResponse response, Clock clock, ErrorBodyFormat errorFormat) {
        this.response = response;
        this.clock = clock;
        this.errorFormat = errorFormat;
        this.lastWriteNanos = clock.nanoTime();
    }

    /**
     * Flow control toward the client: after a write that leaves the connection's write queue full
     * (Vert.x's bound, about 64 KiB, which the client's reading empties), {@code listener} pauses the
     * request's stream until it drains; if it does not drain within {@code stallTimeout}
     * ({@code DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS}), the listener hears it and the connection is closed.
     */
    synchronized void watchBackpressure(Vertx vertx, Duration stallTimeout, Backpressure listener) {
        this.timers = vertx;
        this.stallTimeout = stallTimeout;
        this.backpressure = listener;
    }

    /** Whether the client stopped reading: the write queue is full and has not drained yet. */
    synchronized boolean clientFull() {
        return full;
    }

    private void checkFull() {
        if (backpressure == null || full || !response.writeQueueFull()) {
            return;
        }
        full = true;
        response.drainHandler(ignored -> drained());
        stallTimer = timers.setTimer(Math.max(1, stallTimeout.toMillis()), id -> stalled());
        backpressure.paused();
    }

    private void drained() {
        synchronized (this) {
            if (!full) {
                return;
            }
            full = false;
            cancelStallTimer();
        }
        // Outside this lock: resuming takes the request's lock, which is held around writes here.
        backpressure.resumed();
    }

    private void stalled() {
        synchronized (this) {
            if (!full) {
                return;
            }
            stallTimer = -1;
            end();
        }
        backpressure.stalled();
        // What the client did not read is dropped with its connection.
        response.reset();
    }

    private void cancelStallTimer() {
        if (stallTimer >= 0) {
            timers.cancelTimer(stallTimer);
            stallTimer = -1;
        }
    }

    /** Runs {@code gone} once if the client closes the connection before the response ends. */
    void onClientGone(Runnable gone) {
        response.closeHandler(v -> {
            synchronized (this) {
                stopKeepAlive();
                cancelStallTimer();
            }
            gone.run();
        });
    }

    /**
     * Sends {@link #KEEP_ALIVE} whenever the stream has been silent for {@code intervalMs}, until the
     * response ends ({@code DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS}); 0 does nothing.
     */
    synchronized void keepAlive(Vertx vertx, int intervalMs) {
        if (intervalMs <= 0 || ended) {
            return;
        }
        long intervalNanos = intervalMs * 1_000_000L;
        timers = vertx;
        keepAliveTimer = vertx.setPeriodic(intervalMs, id -> keepAliveTick(intervalNanos));
    }

    private synchronized void keepAliveTick(long intervalNanos) {
        if (ended || response.closed()) {
            stopKeepAlive();
            return;
        }
        // A tick comes up to one interval late after the last write: silence is measured, not assumed.
        // A client that does not read gets no keep-alives piling up behind its unread data.
        if (!full && clock.nanoTime() - lastWriteNanos >= intervalNanos) {
            startStream();
            flush();
            write(KEEP_ALIVE);
        }
    }

    private synchronized void stopKeepAlive() {
        if (keepAliveTimer >= 0) {
            timers.cancelTimer(keepAliveTimer);
            keepAliveTimer = -1;
        }
    }

    /** Whether the SSE headers (and so at least one event) have been sent. */
    synchronized boolean streaming() {
        return streaming;
    }

    /**
     * Gathers one SSE {@code data:} event, starting the stream if it is the first; it goes out at the
     * next {@link #flush} (the request plane calls it once it has handed over what it had), at the
     * end of the response, or once {@link #GATHER_BYTES} are gathered.
     */
    synchronized void event(String json) {
        if (ended) {
            return;
        }
        startStream();
        String event = "data: " + json + "\n\n";
        lastWriteNanos = clock.nanoTime();
        if (single == null && gathered == null) {
            // Most batches hold one event (a token at a time): it goes out as it is, no copy.
            single = event;
            return;
        }
        if (gathered == null) {
            gathered = Buffer.buffer(2 * (single.length() + event.length())).appendString(single);
            single = null;
        }
        gathered.appendString(event);
        if (gathered.length() >= GATHER_BYTES) {
            flush();
        }
    }

    /** Writes the events gathered so far, if any. */
    synchronized void flush() {
        if (single != null) {
            String out = single;
            single = null;
            response.write(out);
            checkFull();
        } else if (gathered != null) {
            Buffer out = gathered;
            gathered = null;
            response.write(out);
            checkFull();
        }
    }

    private void startStream() {
        if (!streaming) {
            streaming = true;
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache");
        }
    }

    private void write(String chunk) {
        lastWriteNanos = clock.nanoTime();
        response.write(chunk);
        checkFull();
    }

    /** Closes the connection without an answer: the client stopped reading, so none would reach it. */
    void close() {
        synchronized (this) {
            single = null;
            gathered = null;
            end();
            cancelStallTimer();
        }
        response.reset();
    }

    /** Ends the stream as OpenAI does. */
    synchronized void done() {
        end();
        response.end(takeGathered().appendString("data: [DONE]\n\n"));
    }

    /** Ends with one JSON body (an unstreamed response). */
    synchronized void json(String body) {
        end();
        response.setStatusCode(200)
                .putHeader("content-type", "application/json")
                .end(body);
    }

    /** Ends with an error: an HTTP error before streaming started, an SSE error event after. */
    synchronized void fail(ApiError error) {
        end();
        if (streaming) {
            response.end(takeGathered().appendString("event: error\ndata: " + error.toJson(errorFormat) + "\n\n"));
        } else {
            error.sendTo(response, errorFormat);
        }
    }

    /** What was gathered and not written yet, taken (an empty buffer if nothing). */
    private Buffer takeGathered() {
        Buffer out = gathered != null ? gathered : single != null ? Buffer.buffer(single) : Buffer.buffer();
        single = null;
        gathered = null;
        return out;
    }

    /** The response is complete; a stall timer keeps running, so a client that never reads the end is still cut. */
    private void end() {
        ended = true;
        stopKeepAlive();
    }
}
