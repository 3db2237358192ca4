package dev.vigil.frontend.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

import dev.vigil.frontend.config.FrontendHttpConfig;

/**
 * Whether the frontend is live or shutting down. On SIGTERM the state flips first, so /live answers
 * 503 at once, and the HTTP server keeps accepting requests for {@code
 * DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS}: requests a router sent here just before the signal still
 * land instead of meeting a closed port.
 */
@ApplicationScoped
public class ServiceState {

    private static final Logger LOG = Logger.getLogger(ServiceState.class);

    @Inject
    FrontendHttpConfig config;

    private volatile boolean shuttingDown;

    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Quarkus' shutdown delay ({@code quarkus.shutdown.delay}, bound to the grace period in {@code
     * application.properties}) keeps the HTTP server accepting requests after SIGTERM; this event
     * opens that window, so /live turns 503 for its whole length.
     */
    void onDelay(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
        LOG.infof(
                "HTTP server shutdown requested; accepting requests for %d s more",
                config.gracefulShutdownTimeout().toSeconds());
    }

    /** With no grace period there is no delay event; the state still flips before the server stops. */
    void onShutdown(@Observes ShutdownEvent event) {
        if (!shuttingDown) {
            shuttingDown = true;
            LOG.info("HTTP server shutdown requested");
        }
    }
}
