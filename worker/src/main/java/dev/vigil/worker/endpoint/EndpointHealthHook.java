package dev.vigil.worker.endpoint;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.vigil.health.SystemHealth;
import dev.vigil.runtime.lifecycle.EndpointObserver;

/**
 * Connects the request plane's endpoint lifecycle to the worker's health: an endpoint served on the
 * transport is ready, a stopped one is not.
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

    public void served(WorkerEndpoint endpoint) {
        served(endpoint.wireName());
    }

    public void stopped(WorkerEndpoint endpoint) {
        stopped(endpoint.wireName());
    }
}
