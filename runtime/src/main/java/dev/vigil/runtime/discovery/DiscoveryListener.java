package dev.vigil.runtime.discovery;

/** Receives discovery changes, in order, one call at a time. */
@FunctionalInterface
public interface DiscoveryListener<T> {

    void onChange(DiscoveryChange<T> change);
}
