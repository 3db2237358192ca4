package dev.vigil.runtime.transport;

/**
 * Why a served request failed, as the serving side tells its caller; each becomes one {@link
 * StreamError} at the caller, which decides what the caller may do next.
 */
public enum ErrorKind {
    /** The request itself could not be served: {@link StreamError.Backend}. */
    REQUEST,
    /** The engine behind the handler failed it: {@link StreamError.EngineShutdown}, migratable. */
    ENGINE,
    /**
     * The engine is full and took nothing: {@link StreamError.Busy}. The caller may send it to
     * another worker at once; the worker is healthy and nothing counts against it.
     */
    BUSY;

    /** The error the caller sees. */
    public StreamError error(String message) {
        return switch (this) {
            case REQUEST -> new StreamError.Backend(message);
            case ENGINE -> new StreamError.EngineShutdown(message);
            case BUSY -> new StreamError.Busy(message);
        };
    }
}
