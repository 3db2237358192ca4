package dev.vigil.runtime.transport;

/** The request plane could not do what was asked (its server unreachable, a subscription unconfirmed, ...). */
public class RequestPlaneException extends RuntimeException {

    public RequestPlaneException(String message) {
        super(message);
    }

    public RequestPlaneException(String message, Throwable cause) {
        super(message, cause);
    }
}
