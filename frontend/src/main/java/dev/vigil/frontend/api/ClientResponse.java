package dev.vigil.frontend.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

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

    private final HttpServerResponse response;
    private boolean streaming;
    private boolean ended;
    private long lastWriteNanos = System.nanoTime();
    private Vertx timers;
    private long keepAliveTimer = -1;

    ClientResponse(HttpServerResponse response) {
        this.response = response;
    }

    /** Runs {@code gone} once if the client closes the connection before the response ends. */
    void onClientGone(Runnable gone) {
        response.closeHandler(v -> {
            stopKeepAlive();
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
        if (System.nanoTime() - lastWriteNanos >= intervalNanos) {
            startStream();
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

    /** Sends one SSE {@code data:} event, starting the stream if it is the first. */
    synchronized void event(String json) {
        startStream();
        write("data: " + json + "\n\n");
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
        lastWriteNanos = System.nanoTime();
        response.write(chunk);
    }

    /** Ends the stream as OpenAI does. */
    synchronized void done() {
        end();
        response.end("data: [DONE]\n\n");
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
            response.end("event: error\ndata: " + error.toJson() + "\n\n");
        } else {
            error.sendTo(response);
        }
    }

    private void end() {
        ended = true;
        stopKeepAlive();
    }
}
