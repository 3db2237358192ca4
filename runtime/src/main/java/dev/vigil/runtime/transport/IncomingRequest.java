package dev.vigil.runtime.transport;

import java.util.function.Consumer;

/**
 * One request as the serving side sees it. The handler answers through {@link #send}, then ends with
 * {@link #complete} or {@link #fail}. Calls after the end are ignored. Thread-safe.
 */
public interface IncomingRequest {

    String requestId();

    byte[] payload();

    void send(byte[] data);

    void complete();

    void fail(String message);

    /**
     * Ends the request because the engine behind the handler failed it, not because the request is
     * bad: the caller sees {@link StreamError.EngineShutdown} and may send it to another worker.
     */
    void failEngine(String message);

    /**
     * Ends the request unserved because the engine is full: the caller sees {@link StreamError.Busy}
     * and sends it to another worker; nothing counts against this one.
     */
    void failBusy(String message);

    /** Whether the caller asked to stop or kill, or went away. */
    boolean stopped();

    /** Whether the caller asked to kill, or went away. */
    boolean killed();

    /**
     * Flow control: whether the caller can take more data now. A handler that streams should pause
     * its source (the engine) when this turns false after a {@link #send}, and resume it from {@link
     * #onWritable}; what it sends meanwhile is held by the plane, within a bound past which the
     * request fails. Always true on planes without flow control (NATS).
     */
    default boolean writable() {
        return true;
    }

    /**
     * Runs {@code resume} once, when the caller can take data again (at once if it can now, also when
     * the request ended meanwhile, so a paused source is never left waiting). Replaces a listener
     * registered earlier that has not run.
     */
    default void onWritable(Runnable resume) {
        resume.run();
    }

    /** Called once for each control message (at most one STOP, then at most one KILL). */
    void onControl(Consumer<Control> listener);
}
