package dev.vigil.worker.endpoint;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.vigil.health.SystemHealth;
import dev.vigil.runtime.lifecycle.EndpointObserver;

/**
 * Connects the runtime's endpoint lifecycle ({@code EndpointServer}) to the worker's health: an
 * endpoint served on the transport is ready, a stopped one is not. The runtime knows nothing of
 * health (health-common must not depend on runtime), so the worker adapts one to the other.
 */
@ApplicationScoped
public class EndpointHealthHook implements EndpointObserver {

    @Inject
    SystemHealth health;

    @Override
    public void served(String endpoint) {
        health.endpointServed(endpoint);
    }

    @Override
    public void stopped(String endpoint) {
        health.endpointStopped(endpoint);
    }
}
