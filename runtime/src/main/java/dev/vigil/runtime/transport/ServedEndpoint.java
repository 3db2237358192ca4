package dev.vigil.runtime.transport;

import java.util.concurrent.CompletionStage;

/** An endpoint being served on the request plane. */
public interface ServedEndpoint extends AutoCloseable {

    String subject();

    /** Requests accepted and not yet ended. */
    int inFlight();

    /**
     * Completes once the endpoint has stopped accepting ({@link #close()}) and no request it
     * accepted is still in flight: from then on nothing it served can send another frame. Never
     * completes while the endpoint accepts, so a shutdown waits on it after closing, bounded by its
     * own timeout.
     */
    CompletionStage<Void> drained();

    /** Stops accepting new requests; requests in flight go on until they end. Idempotent. */
    @Override
    void close();
}
