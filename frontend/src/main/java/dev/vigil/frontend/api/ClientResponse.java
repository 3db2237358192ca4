package dev.vigil.frontend.api;

import io.vertx.core.http.HttpServerResponse;

/**
 * The HTTP side of one completion: one JSON body, or an SSE stream whose headers go out with the
 * first event. An error before the first event is a proper HTTP error; after it, the stream can only
 * end with an SSE {@code event: error}.
 */
final class ClientResponse {

    private final HttpServerResponse response;
    private boolean streaming;

    ClientResponse(HttpServerResponse response) {
        this.response = response;
    }

    /** Runs {@code gone} once if the client closes the connection before the response ends. */
    void onClientGone(Runnable gone) {
        response.closeHandler(v -> gone.run());
    }

    /** Whether the SSE headers (and so at least one event) have been sent. */
    boolean streaming() {
        return streaming;
    }

    /** Sends one SSE {@code data:} event, starting the stream if it is the first. */
    void event(String json) {
        if (!streaming) {
            streaming = true;
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache");
        }
        response.write("data: " + json + "\n\n");
    }

    /** Ends the stream as OpenAI does. */
    void done() {
        response.end("data: [DONE]\n\n");
    }

    /** Ends with one JSON body (an unstreamed response). */
    void json(String body) {
        response.setStatusCode(200)
                .putHeader("content-type", "application/json")
                .end(body);
    }

    /** Ends with an error: an HTTP error before streaming started, an SSE error event after. */
    void fail(ApiError error) {
        if (streaming) {
            response.end("event: error\ndata: " + error.toJson() + "\n\n");
        } else {
            error.sendTo(response);
        }
    }
}
