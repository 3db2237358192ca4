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

    /** Called once for each control message (at most one STOP, then at most one KILL). */
    void onControl(Consumer<Control> listener);
}
