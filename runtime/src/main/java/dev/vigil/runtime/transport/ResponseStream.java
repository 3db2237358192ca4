package dev.vigil.runtime.transport;

/** The caller's handle on a request in flight. */
public interface ResponseStream {

    String requestId();

    /** Asks the worker to finish early; the stream still completes. */
    void stop();

    /** Asks the worker to drop the request now; the observer hears nothing more. */
    void kill();
}
