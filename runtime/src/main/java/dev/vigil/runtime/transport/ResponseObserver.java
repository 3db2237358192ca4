package dev.vigil.runtime.transport;

/**
 * Receives one request's response stream, in order, one call at a time: any number of {@link
 * #onData}, then exactly one of {@link #onComplete} or {@link #onError}.
 */
public interface ResponseObserver {

    void onData(byte[] data);

    /** The worker ended the stream normally (also after a {@link Control#STOP}). */
    void onComplete();

    void onError(StreamError error);
}
