package dev.vigil.runtime.discovery;

/** Stops a watch. Idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
