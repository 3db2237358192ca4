package dev.vigil.runtime.protocol;

/**
 * A request-plane body that is not what its endpoint expects. The message is the parser's own
 * (which field, which line), so callers can prefix it with what they were reading.
 */
public final class WireFormatException extends IllegalArgumentException {

    WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
