package dev.vigil.runtime.transport;

/**
 * Why a response stream did not end normally. The kind decides what the caller may do: a request
 * that never reached a worker, whose stream broke, or whose worker's engine failed under it can be
 * retried elsewhere (migration); any other error the worker reported cannot.
 */
public sealed interface StreamError {

    String message();

    /** Nobody took the request: no responders on the subject, or no acknowledgement in time. */
    record CannotConnect(String message) implements StreamError {}

    /** The stream broke before its end: the worker went silent (heartbeats stopped) or vanished. */
    record Disconnected(String message) implements StreamError {}

    /**
     * The stream produced nothing for longer than the caller allows (Dynamo's {@code ResponseTimeout},
     * {@code DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS}): the worker is alive to the transport but its
     * engine is stuck, so the request may be retried elsewhere.
     */
    record ResponseTimeout(String message) implements StreamError {}

    /** The worker's handler failed the request and said why. */
    record Backend(String message) implements StreamError {}

    /**
     * The worker is alive but the engine behind it failed the request (it died, broke the stream or
     * answered nonsense): Dynamo's {@code Backend(EngineShutdown)}, which another worker's engine may
     * serve, so the caller may migrate it.
     */
    record EngineShutdown(String message) implements StreamError {}

    /**
     * The worker's engine is full (its slots or queue; an HTTP 429 or 503 from it) and took nothing
     * of the request: try another worker now. Vigil's addition: the worker is healthy, so this never
     * counts against it (no inhibition, no circuit failure, no migration spent).
     */
    record Busy(String message) implements StreamError {}

    /**
     * The caller stopped taking the stream's data while the worker kept sending, and the stream held
     * as much as the plane allows for one stream ({@code ObserverChannel}): it was ended (and the
     * worker told to drop it) so that a client that does not read cannot grow the caller's memory.
     * The client's fault, not the worker's: nothing counts against the worker, nothing is migrated.
     */
    record CallerTooSlow(String message) implements StreamError {}
}
