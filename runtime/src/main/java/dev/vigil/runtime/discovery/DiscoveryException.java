package dev.vigil.runtime.discovery;

/** Discovery could not do what was asked (etcd unreachable, key already owned by another lease, ...). */
public class DiscoveryException extends RuntimeException {

    public DiscoveryException(String message) {
        super(message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
