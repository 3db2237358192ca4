package dev.vigil.frontend.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.frontend.metrics.WorkerStateMetrics;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.frontend.probe.InstanceView;
import dev.vigil.frontend.probe.Probes;
import dev.vigil.runtime.Threads;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * One health state per worker process as this frontend sees it, fusing discovery (is it listed, does
 * it serve a model), probes (which carry the worker's own /health, so its canary), request outcomes
 * (inhibition, circuit) and drain (its model left discovery first). Evaluated every second and on
 * demand; every change is logged with its reason and kept for {@code /v1/instances}.
 */
@ApplicationScoped
public class WorkerStates {

    private static final Logger LOG = Logger.getLogger(WorkerStates.class);

    /** How long a worker that left discovery stays listed as {@code gone}. */
    static final Duration GONE_KEPT = Duration.ofSeconds(60);

    /** The states, worst first: the first that applies is the worker's. */
    public enum State {
        /** No longer in discovery. */
        GONE,
        /** Leaving: its model or itself left discovery while requests still run on it. */
        DRAINING,
        /** Listed, but no model card of it was seen yet. */
        JOINING,
        /** Its probes have not passed (yet, or any more). */
        PROBING,
        /** Its circuit is open or half open. */
        OPEN_CIRCUIT,
        /** It failed a request and is inhibited for a while. */
        INHIBITED,
        /** Routable. */
        READY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A worker's state, why it is in it, and since when. */
    public record Status(State state, String reason, Instant since) {}

    @Inject
    KnownInstances instances;

    @Inject
    ServedModels models;

    @Inject
    Probes probes;

    @Inject
    Quarantine quarantine;

    @Inject
    Router router;

    @Inject
    SharedVerdicts verdicts;

    @Inject
    MeterRegistry registry;

    @Inject
    Clock clock;

    private final Map<InstanceId, Tracked> tracked = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    private static final class Tracked {
        final AtomicReference<Status> status;
        final List<Meter> meters = new ArrayList<>();
        boolean servedOnce;
        Instant goneAt;
        volatile InstanceView lastSeen;

        Tracked(Status status) {
            this.status = new AtomicReference<>(status);
        }
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-worker-states"));
        timer.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Every worker process known now or recently, with its state. */
    public synchronized Map<InstanceId, Status> all() {
        refresh();
        return tracked.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(
                        Map.Entry::getKey, e -> e.getValue().status.get()));
    }

    /**
     * How the worker looked the last time discovery listed it, for showing a worker that left
     * (draining or gone) beside the listed ones.
     */
    public Optional<InstanceView> lastSeen(InstanceId id) {
        Tracked t = tracked.get(id);
        return t == null ? Optional.empty() : Optional.ofNullable(t.lastSeen);
    }

    public Optional<Status> of(InstanceId id) {
        return Optional.ofNullable(all().get(id));
    }

    /**
     * Re-evaluates every worker, records changes, forgets workers gone for long. The discovery feed
     * calls it on every change as well as the timer: a worker that joins, serves and leaves between
     * two ticks (a native worker is ready in tens of milliseconds) must still be seen, and shown
     * draining while this frontend's requests run on it.
     */
    public synchronized void refresh() {
        Set<InstanceId> listed = instances.list().stream().map(Instance::id).collect(Collectors.toSet());
        Set<InstanceId> serving = new HashSet<>();
        models.all().values().forEach(m -> serving.addAll(m.instanceIds()));
        Map<InstanceId, InstanceView> probed =
                probes.view().stream().collect(Collectors.toMap(InstanceView::id, v -> v, (a, b) -> a));
        Instant now = clock.now();
        for (InstanceId id : listed) {
            tracked.computeIfAbsent(id, this::track);
        }
        for (Map.Entry<InstanceId, Tracked> entry : tracked.entrySet()) {
            InstanceId id = entry.getKey();
            Tracked t = entry.getValue();
            if (serving.contains(id)) {
                t.servedOnce = true;
            }
            if (probed.containsKey(id)) {
                t.lastSeen = probed.get(id);
            }
            Status next = evaluate(id, t, listed.contains(id), serving.contains(id), probed.get(id));
            Status current = t.status.get();
            if (current.state() != next.state()) {
                LOG.infof(
                        "Worker %s %s -> %s: %s",
                        id.hex(), current.state().wireName(), next.state().wireName(), next.reason());
                t.status.set(new Status(next.state(), next.reason(), now));
            }
            if (next.state() == State.GONE) {
                if (t.goneAt == null) {
                    t.goneAt = now;
                } else if (Duration.between(t.goneAt, now).compareTo(GONE_KEPT) > 0) {
                    tracked.remove(id);
                    WorkerStateMetrics.forget(registry, t.meters);
                }
            } else {
                t.goneAt = null;
            }
        }
    }

    private Status evaluate(InstanceId id, Tracked t, boolean listed, boolean serving, InstanceView probe) {
        if (!listed) {
            int running = router.inFlight(id);
            // A worker leaves discovery first and then finishes what it has: while requests of
            // this frontend still run on it, it is draining.
            return running > 0
                    ? status(
                            State.DRAINING,
                            "left discovery; " + running + " request(s) of this frontend still running on it")
                    : status(State.GONE, "left discovery");
        }
        if (!serving) {
            return t.servedOnce
                    ? status(State.DRAINING, "its model left discovery; it is shutting down")
                    : status(State.JOINING, "listed, no model card yet");
        }
        Eligibility standing = router.eligibility(id);
        if (standing.draining()) {
            int running = router.inFlight(id);
            return status(
                    State.DRAINING,
                    "drained by an operator (POST /engine/drain); " + running
                            + " request(s) of this frontend still running on it");
        }
        if (probe != null && !standing.probesPassed()) {
            return status(
                    State.PROBING,
                    "probes " + probe.state() + (probe.symbols().isEmpty() ? "" : " " + probe.symbols()));
        }
        if (standing.circuitTripped()) {
            return status(
                    State.OPEN_CIRCUIT,
                    "circuit " + standing.circuit().state() + ": "
                            + standing.circuit().reason());
        }
        if (standing.inhibited()) {
            return status(
                    State.INHIBITED,
                    "failed a request; inhibited for up to "
                            + quarantine.duration().toSeconds() + " s");
        }
        if (standing.peerReported()) {
            return status(
                    State.INHIBITED,
                    verdicts.against(id)
                            .map(v -> "frontend " + v.reporter().hex() + " reports it " + v.exclusion()
                                    + "; kept out for up to "
                                    + verdicts.remaining(id).toSeconds() + " s more")
                            .orElse("reported down by another frontend"));
        }
        return status(State.READY, "routable");
    }

    private static Status status(State state, String reason) {
        return new Status(state, reason, null);
    }

    private Tracked track(InstanceId id) {
        Tracked t = new Tracked(new Status(State.JOINING, "discovered", clock.now()));
        t.meters.addAll(WorkerStateMetrics.track(
                registry, id.hex(), t.status, h -> h.get().state(), State.values(), State::wireName));
        return t;
    }
}
