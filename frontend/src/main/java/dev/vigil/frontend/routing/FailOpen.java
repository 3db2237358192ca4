package dev.vigil.frontend.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.metrics.FailOpenMetrics;
import dev.vigil.runtime.model.Instance;

/**
 * The last resort when this frontend's own judgement ({@link Exclusion}) has left a model no
 * instance to send a request to ({@code DYN_ROUTER_FAIL_OPEN}, on by default): the request goes to
 * the least bad of the excluded ones rather than every client getting 503, as Envoy's panic
 * threshold does. A wrong judgement (a flaky probe, one bad request that opened every circuit) then
 * costs some failed requests instead of the whole service.
 *
 * <p>"Least bad": the instance whose worst exclusion is mildest ({@link Exclusion}'s order), then the
 * one with fewer exclusions, then the one with fewer attempts of this frontend running on it, so that
 * failing open spreads over the equals instead of piling onto one; among those still equal the
 * router's mode decides. Never considered: an instance discovery does not list, and one that never
 * passed its probes (gating a new worker holds, whatever else fails).
 *
 * <p>An attempt failed open is an attempt like any other: its outcome counts as usual, so a success
 * on a half-open circuit counts toward closing it, and a failure inhibits the instance again or
 * counts for its circuit; an open circuit takes no outcome until its timeout, so failing open does
 * not close it early.
 *
 * <p>Logged once per model when it starts failing open (WARN) and once when it stops (INFO), not per
 * request; every attempt is counted in {@code vigil_frontend_fail_open_total{model,reason}}.
 */
@ApplicationScoped
public class FailOpen {

    private static final Logger LOG = Logger.getLogger(FailOpen.class);

    @Inject
    RouterConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    InFlightAttempts inFlight;

    /** The models failing open now: at most the models discovery lists, each removed once it recovers. */
    private final Set<String> failingOpen = ConcurrentHashMap.newKeySet();

    /** An excluded instance that may be failed open to, with what keeps it out. */
    record Excluded(Instance instance, Set<Exclusion> why) {

        Exclusion worst() {
            return why.stream().max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    public boolean enabled() {
        return config.failOpen();
    }

    /** The least bad of {@code excluded} and those equal to it; empty when {@code excluded} is. */
    List<Excluded> leastBad(List<Excluded> excluded) {
        Comparator<Excluded> badness = Comparator.<Excluded>comparingInt(
                        e -> e.worst().ordinal())
                .thenComparingInt(e -> e.why().size())
                .thenComparingInt(e -> inFlight.of(e.instance().id()));
        List<Excluded> best = new ArrayList<>();
        for (Excluded e : excluded) {
            int order = best.isEmpty() ? -1 : badness.compare(e, best.get(0));
            if (order < 0) {
                best.clear();
            }
            if (order <= 0) {
                best.add(e);
            }
        }
        return best;
    }

    /** A request of {@code model} was sent to {@code taken} though it is excluded. */
    void failedOpen(String model, Excluded taken, int excludedCount) {
        String reason = taken.worst().wireName();
        FailOpenMetrics.failedOpen(registry, model, reason);
        if (failingOpen.add(model)) {
            LOG.warnf(
                    "Failing open for %s: this frontend excludes all %d of its instances that may be tried;"
                            + " sending requests to the least bad, instance %s (%s), instead of refusing them"
                            + " (DYN_ROUTER_FAIL_OPEN=false refuses them)",
                    model, excludedCount, taken.instance().id().hex(), reason);
        } else {
            LOG.debugf(
                    "Failing open for %s to instance %s (%s)",
                    model, taken.instance().id().hex(), reason);
        }
    }

    /** A request of {@code model} went to an instance that was not excluded. */
    void routedNormally(String model) {
        if (!failingOpen.isEmpty() && failingOpen.remove(model)) {
            LOG.infof("%s has an instance this frontend does not exclude again: no longer failing open", model);
        }
    }
}
