package dev.vigil.frontend.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.probe.Probes;

/**
 * {@code DYN_ROUTER_MIN_INITIAL_WORKERS}: readiness is held at start until that many worker processes
 * are routable at once, then never again (a fleet that shrinks later is the router's business, not a
 * reason to take the frontend out of its load balancer).
 */
@ApplicationScoped
public class InitialWorkers {

    private static final Logger LOG = Logger.getLogger(InitialWorkers.class);

    @Inject
    RouterConfig config;

    @Inject
    Probes probes;

    private volatile boolean reached;

    /** Whether readiness is still held; the first look that finds enough workers lets go for good. */
    public boolean holding() {
        if (reached) {
            return false;
        }
        int wanted = config.minInitialWorkers();
        int routable = routable();
        if (routable < wanted) {
            return true;
        }
        reached = true;
        if (wanted > 0) {
            LOG.infof(
                    "%d of the %d initial workers routable (DYN_ROUTER_MIN_INITIAL_WORKERS): ready", routable, wanted);
        }
        return false;
    }

    public int routable() {
        return probes.routableCount();
    }

    public int wanted() {
        return config.minInitialWorkers();
    }
}
