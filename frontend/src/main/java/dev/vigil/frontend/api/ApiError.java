package dev.vigil.frontend.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;

import dev.vigil.frontend.config.ErrorBodyFormat;
import dev.vigil.frontend.metrics.MetricNames;

/**
 * An error a client sees, by default in Dynamo's shape {@code {"message":…,"type":<reason
 * phrase>,"code":<status>}} (reference §4.7), or OpenAI's {@code {"error":{…}}} ({@link
 * ErrorBodyFormat}). Thrown while handling a request and turned into the response in one place.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final boolean overload;
    /** The {@code Retry-After} header in seconds; 0 for none. */
    private final int retryAfterSecs;
    /** Why the request was dropped, a {@code MetricNames.DROP_*} value for {@code vigil_frontend_requests_dropped_total}. */
    private final String dropReason;

    private ApiError(int status, String message) {
        this(status, message, false, 0, status < 500 ? MetricNames.DROP_BAD_REQUEST : MetricNames.DROP_BACKEND_ERROR);
    }

    private ApiError(int status, String message, String dropReason) {
        this(status, message, false, 0, dropReason);
    }

    private ApiError(int status, String message, boolean overload, int retryAfterSecs, String dropReason) {
        super(message, null, false, false);
        this.status = status;
        this.overload = overload;
        this.retryAfterSecs = retryAfterSecs;
        this.dropReason = dropReason;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, message, MetricNames.DROP_UNKNOWN_MODEL);
    }

    /** A request too large to carry to a worker: the client's to shrink, never a worker's fault. */
    public static ApiError payloadTooLarge(String message) {
        return new ApiError(413, message, MetricNames.DROP_TOO_LARGE);
    }

    /** The 413 for a request whose body takes {@code bytes} on a plane that carries at most {@code max}. */
    public static ApiError tooLargeForPlane(long bytes, long max) {
        return payloadTooLarge("Request too large: the tokenized prompt takes " + bytes
                + " bytes on the request plane, which carries at most " + max + " bytes; shorten the prompt");
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, message, MetricNames.DROP_NO_INSTANCE);
    }

    /**
     * The request's deadline passed before it ended: 504, as a gateway that gave up on its upstream
     * answers; the client asked for no more time than this.
     */
    public static ApiError deadlineExceeded(java.time.Duration timeout) {
        return new ApiError(
                504,
                "Request deadline exceeded: no complete response within " + timeout.toMillis() / 1000.0
                        + " s (x-request-timeout, nvext.timeout_ms or DYN_HTTP_REQUEST_TIMEOUT_SECS)",
                MetricNames.DROP_DEADLINE);
    }

    /**
     * Every worker of the model is busy: Dynamo's {@code ResourceExhausted} rejection, sent at once
     * instead of queueing. The body is Dynamo's exactly; the {@code Retry-After} header is Vigil's
     * (Dynamo sends none), so clients back off that long.
     */
    public static ApiError allWorkersBusy(int status, int retryAfterSecs) {
        return new ApiError(
                status,
                "ResourceExhausted: All workers are busy, please retry later",
                true,
                retryAfterSecs,
                MetricNames.DROP_ALL_BUSY);
    }

    /**
     * This frontend serves as many completions as it may ({@code DYN_HTTP_MAX_INFLIGHT_REQUESTS}):
     * refused at once with the overload status and {@code Retry-After}, as when every worker is busy.
     */
    public static ApiError frontendFull(int status, int limit, int retryAfterSecs) {
        return new ApiError(
                status,
                "ResourceExhausted: this frontend is serving its limit of " + limit
                        + " requests at once (DYN_HTTP_MAX_INFLIGHT_REQUESTS), please retry later",
                true,
                retryAfterSecs,
                MetricNames.DROP_INFLIGHT_LIMIT);
    }

    /** An error with any status, for the HTTP layer's own (unknown route, wrong method, oversized request). */
    public static ApiError of(int status, String message) {
        return new ApiError(status, message);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, message);
    }

    /** Why the request was dropped, for {@code vigil_frontend_requests_dropped_total}. */
    public String dropReason() {
        return dropReason;
    }

    public int status() {
        return status;
    }

    /** Whether this is the all-busy refusal, whatever its status: Dynamo counts it as an overload. */
    public boolean overload() {
        return overload;
    }

    /** The canonical reason phrase Dynamo puts in {@code type}. */
    public String type() {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 413 -> "Payload Too Large";
                // RFC 9110's phrase; Netty's registry still has the older "Request-URI Too Long".
            case 414 -> "URI Too Long";
            case 499 -> "Client Closed Request";
            case 503 -> "Service Unavailable";
                // Not in the HTTP registry: the phrase its users (Dynamo, Anthropic's API) give it.
            case 529 -> "Site is overloaded";
            case 500 -> "Internal Server Error";
                // Any other status (405, 414, 431, …) by its standard reason phrase.
            default -> HttpResponseStatus.valueOf(status).reasonPhrase();
        };
    }

    /** The body in the configured shape ({@code DYN_HTTP_ERROR_FORMAT}). */
    public ObjectNode toJson(ErrorBodyFormat format) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (format == ErrorBodyFormat.OPENAI) {
            ObjectNode error = body.putObject("error");
            error.put("message", getMessage());
            error.put("type", openAiType());
            error.putNull("param");
            error.put("code", status);
            return body;
        }
        body.put("message", getMessage());
        body.put("type", type());
        body.put("code", status);
        return body;
    }

    /**
     * OpenAI's error category: the client's to fix below 500, the server's from 500 and for an
     * overload whatever its status (a 429 too: the client did nothing wrong).
     */
    String openAiType() {
        return status < 500 && !overload ? "invalid_request_error" : "server_error";
    }

    /** Sends this error as the response, unless the response already ended or the client left. */
    public void sendTo(HttpServerResponse response, ErrorBodyFormat format) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (retryAfterSecs > 0) {
            response.putHeader("retry-after", String.valueOf(retryAfterSecs));
        }
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(toJson(format).toString());
    }
}
