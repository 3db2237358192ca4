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

    /**
     * Called after one or more of the calls above when nothing more is queued for now, or the
     * delivering thread yields to other work: an observer that gathers what it writes (the frontend
     * writes a burst of tokens to its client as one write, not one each) sends it here.
     */
    default void onCaughtUp() {}
}
