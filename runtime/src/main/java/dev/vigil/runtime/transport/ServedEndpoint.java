package dev.vigil.runtime.transport;

/** An endpoint being served on the request plane. */
public interface ServedEndpoint extends AutoCloseable {

    String subject();

    /** Requests accepted and not yet ended. */
    int inFlight();

    /** Stops accepting new requests; requests in flight go on until they end. Idempotent. */
    @Override
    void close();
}
