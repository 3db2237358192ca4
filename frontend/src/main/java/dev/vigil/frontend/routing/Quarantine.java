package dev.vigil.frontend.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.vigil.frontend.config.InhibitionConfig;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * Instances the router stopped sending to because a dispatch to them failed or their stream broke
 * (Dynamo's report-instance-down, its "local inhibition"). An inhibition lasts until discovery
 * changes or for {@code DYN_RUNTIME_INHIBITED_DURATION_SECS}, whichever comes first, so a worker that
 * was only briefly unreachable comes back by itself while a dead one is gone from discovery by then.
 */
@ApplicationScoped
public class Quarantine {

    private static final Logger LOG = Logger.getLogger(Quarantine.class);

    private final Map<InstanceId, Long> until = new ConcurrentHashMap<>();
    private final Duration duration;
    private final Clock clock;

    @Inject
    public Quarantine(InhibitionConfig config, Clock clock) {
        this(config.inhibitedDuration(), clock);
    }

    /** Inhibits for {@code duration}; zero turns inhibition off. */
    public Quarantine(Duration duration) {
        this(duration, Clock.SYSTEM);
    }

    public Quarantine(Duration duration, Clock clock) {
        this.duration = duration;
        this.clock = clock;
    }

    /** How long a reported instance stays out; zero when inhibition is off. */
    public Duration duration() {
        return duration;
    }

    public void report(InstanceId id) {
        if (duration.isZero()) {
            return;
        }
        LOG.debugf("inhibiting instance %s for %d s", id.hex(), duration.toSeconds());
        until.put(id, clock.nanoTime() + duration.toNanos());
    }

    public boolean contains(InstanceId id) {
        Long deadline = until.get(id);
        if (deadline == null) {
            return false;
        }
        if (clock.nanoTime() - deadline >= 0) {
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
