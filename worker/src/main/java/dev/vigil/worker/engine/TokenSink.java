package dev.vigil.worker.engine;

import dev.vigil.runtime.protocol.EngineOutput;

/**
 * Where the engine delivers one request's stream. Calls for one request never overlap and come
 * in order: any number of {@link #onOutput}, then exactly one of {@link #onEnd} or {@link #onError}
 * — or nothing more at all once the request was {@linkplain Generation#kill() killed}. Calls run on
 * the engine's scheduler threads (or on the caller's thread for a request rejected by {@code
 * generate}, or one ended by {@code stop}), so an implementation must not block: hand the output to
 * the network and return.
 */
public interface TokenSink {

    /** One generated token; the last output of a stream carries its {@code finish_reason}. */
    void onOutput(EngineOutput output);

    /** The stream ended normally, after the output that carried the finish reason. */
    void onEnd();

    /** The request failed; no more calls follow. */
    void onError(String message);

    /**
     * The engine failed the request rather than the request being bad (it died, broke the stream,
     * answered nonsense): another worker's engine may serve it, so the frontend may migrate it
     * (Dynamo's {@code EngineShutdown}). No more calls follow. By default a plain {@link #onError}.
     */
    default void onEngineError(String message) {
        onError(message);
    }

    /**
     * The engine is full (its slots or queue: HTTP 429, or 503 once loaded) and took nothing of the
     * request: the frontend sends it to another worker, and nothing counts against this one. No more
     * calls follow. By default an {@link #onEngineError}.
     */
    default void onBusy(String message) {
        onEngineError(message);
    }
}
