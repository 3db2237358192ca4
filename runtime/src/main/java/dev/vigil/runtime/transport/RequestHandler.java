package dev.vigil.runtime.transport;

/** Serves one endpoint. Must not block the calling thread for long: hand work to the engine. */
@FunctionalInterface
public interface RequestHandler {

    void handle(IncomingRequest request);
}
