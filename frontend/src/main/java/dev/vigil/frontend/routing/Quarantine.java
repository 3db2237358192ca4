package dev.vigil.frontend.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.vigil.runtime.model.InstanceId;

/**
 * Instances the router stopped sending to because a dispatch to them failed or their stream broke
 * (Dynamo's report-instance-down). A quarantine lasts until discovery changes or for the reconcile
 * interval, whichever comes first, so a worker that was only briefly unreachable comes back by
 * itself while a dead one is gone from discovery by then.
 */
@ApplicationScoped
public class Quarantine {

    private static final Logger LOG = Logger.getLogger(Quarantine.class);

    /** Dynamo's {@code DEFAULT_RECONCILE_INTERVAL}. */
    public static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(5);

    private final Map<InstanceId, Long> until = new ConcurrentHashMap<>();

    public void report(InstanceId id) {
        LOG.debugf("inhibiting instance %s", id.hex());
        until.put(id, System.nanoTime() + RECONCILE_INTERVAL.toNanos());
    }

    public boolean contains(InstanceId id) {
        Long deadline = until.get(id);
        if (deadline == null) {
            return false;
        }
        if (System.nanoTime() - deadline >= 0) {
            until.remove(id, deadline);
            return false;
        }
        return true;
    }

    /** Discovery changed: every instance it lists gets another chance. */
    public void clear() {
        until.clear();
    }
}
