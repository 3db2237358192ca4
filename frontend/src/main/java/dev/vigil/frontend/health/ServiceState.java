package dev.vigil.frontend.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

import dev.vigil.frontend.config.FrontendHttpConfig;

/**
 * Where the frontend is in its life: serving, draining, stopping. On SIGTERM it drains first: the
 * HTTP server keeps accepting requests for {@code DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS}, so
 * requests a load balancer sent just before the signal still land instead of meeting a closed port,
 * while /health answers 503 {@code not_ready} so the balancer stops sending more, and /live stays
 * 200 so nothing restarts a process that is doing what it was asked. When the drain ends the
 * frontend is stopping: /live answers 503 {@code shutting_down} while open streams finish (Dynamo's
 * behaviour since v1.4).
 */
@ApplicationScoped
public class ServiceState {

    private static final Logger LOG = Logger.getLogger(ServiceState.class);

    @Inject
    FrontendHttpConfig config;

    /** The stages, as /health names them in its {@code stage} field. */
    public enum Stage {
        SERVING,
        DRAINING,
        STOPPING;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private volatile Stage stage = Stage.SERVING;

    public Stage stage() {
        return stage;
    }

    /** Whether the drain is over and the process is on its way out: /live answers 503. */
    public boolean shuttingDown() {
        return stage == Stage.STOPPING;
    }

    /**
     * Quarkus' shutdown delay ({@code quarkus.shutdown.delay}, bound to the grace period in {@code
     * application.properties}) keeps the HTTP server accepting requests after SIGTERM; this event
     * opens that window, so /live turns 503 for its whole length.
     */
    void onDelay(@Observes ShutdownDelayInitiatedEvent event) {
        stage = Stage.DRAINING;
        LOG.infof(
                "HTTP server shutdown requested; draining: /health answers 503, requests accepted for %d s more",
                config.gracefulShutdownTimeout().toSeconds());
    }

    /** The drain is over (or there was none: no grace period, no delay event). */
    void onShutdown(@Observes ShutdownEvent event) {
        if (stage != Stage.STOPPING) {
            stage = Stage.STOPPING;
            LOG.info("HTTP server stopping: open streams may finish");
        }
    }
}
