package dev.vigil.runtime.transport;

/** The caller's handle on a request in flight. */
public interface ResponseStream {

    String requestId();

    /** Asks the worker to finish early; the stream still completes. */
    void stop();

    /** Asks the worker to drop the request now; the observer hears nothing more. */
    void kill();

    /**
     * Flow control: the caller cannot take more data now (its client stopped reading). The stream
     * stops handing data to the observer; what arrives meanwhile is held, up to the plane's
     * per-stream bound, and on the TCP plane the worker gets no more credit, so it stops sending and
     * pauses its engine. The end of the stream is still delivered once the data before it was.
     */
    void pause();

    /** The caller can take data again: held data is delivered and the worker gets credit again. */
    void resume();
}
