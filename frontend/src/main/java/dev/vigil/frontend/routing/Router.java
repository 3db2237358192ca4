package dev.vigil.frontend.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.vigil.frontend.load.BusyMonitor;
import dev.vigil.frontend.load.RetryAfterEstimate;
import dev.vigil.frontend.model.DrainingWorkers;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.frontend.probe.Probes;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * Chooses the instance for each attempt of a request, and owns the whole policy: an instance is a
 * candidate for a model when discovery lists it under that model now, its probes have passed, and it
 * is not inhibited after a failure (or, with {@code DYN_CB_ENABLED}, its circuit lets a request
 * through); among candidates, those under their busy thresholds are
 * preferred, and {@code DYN_ROUTER_MODE} picks one. When this frontend's own judgement leaves no
 * candidate, {@link FailOpen} may still send the request to the least bad excluded instance.
 *
 * <p>Every call reads current membership. A request that migrates asks again, so an instance that
 * joined after the request started is as good a target as one that was there before.
 */
@ApplicationScoped
public class Router {

    @Inject
    ServedModels models;

    @Inject
    KnownInstances instances;

    @Inject
    Probes probes;

    @Inject
    Quarantine quarantine;

    @Inject
    BusyMonitor busy;

    @Inject
    CircuitBreakers breakers;

    @Inject
    InstancePicker picker;

    @Inject
    DrainingWorkers draining = new DrainingWorkers();

    @Inject
    FailOpen failOpen;

    @Inject
    SharedVerdicts verdicts;

    @Inject
    InFlightAttempts inFlight = new InFlightAttempts();

    /** Times each attempt for the {@code Retry-After} estimate; the machine's clock unless injected. */
    @Inject
    Clock clock = Clock.SYSTEM;

    private final RetryAfterEstimate retryAfter = new RetryAfterEstimate();

    /**
     * Admits a new request for {@code model} or says why not. Load is shed only when every instance
     * that may take traffic is busy; a quarantined instance still counts as one that may.
     */
    public Admission admit(String model) {
        ServedModels.Model served = models.find(model);
        if (served == null) {
            return new Admission.UnknownModel(model);
        }
        List<Instance> live = routableInstances(served);
        if (live.isEmpty()) {
            return failOpen(served, Set.of(), null)
                    .<Admission>map(Admission.Routed::new)
                    .orElseGet(() -> new Admission.Unavailable(whyUnavailable(served)));
        }
        Set<InstanceId> busyIds = busyAmong(model, live);
        if (busyIds.size() == live.size()) {
            return new Admission.AllBusy(live.size());
        }
        return pickAmong(model, live, busyIds)
                .or(() -> failOpen(served, Set.of(), null))
                .<Admission>map(Admission.Routed::new)
                .orElseGet(() -> new Admission.Unavailable(noLiveInstance(model)));
    }

    /**
     * An instance for another attempt of a request already admitted (a migration), or empty when
     * none is left. A busy instance is taken when no other is left: shedding a request the client
     * has already been streaming would lose it.
     */
    public Optional<Attempt> next(String model) {
        return next(model, Set.of(), null);
    }

    /**
     * As {@link #next(String)}, leaving out {@code refused}: the instances that answered this request
     * that their engine is full. Empty when only those are left. {@code failedOn}, the instance the
     * request just failed on (null if none), is never failed open to: the request fails open only
     * onto another excluded instance, and is refused when there is none.
     */
    public Optional<Attempt> next(String model, Set<InstanceId> refused, InstanceId failedOn) {
        ServedModels.Model served = models.find(model);
        if (served == null) {
            return Optional.empty();
        }
        List<Instance> live = routableInstances(served);
        if (!refused.isEmpty()) {
            live.removeIf(instance -> refused.contains(instance.id()));
        }
        return pickAmong(model, live, busyAmong(model, live)).or(() -> failOpen(served, refused, failedOn));
    }

    /**
     * The instance could not be reached or its stream broke: keep this frontend's traffic away from it
     * for a while (the inhibition), or count it against its circuit when the breaker is on.
     */
    public void reportDown(Instance instance) {
        reportDown(instance, "unreachable");
    }

    /** As {@link #reportDown(Instance)}, saying what happened. */
    public void reportDown(Instance instance, String what) {
        if (breakers.enabled()) {
            breakers.failure(instance.id(), what);
            shareIfOpen(instance.id());
        } else {
            quarantine.report(instance.id());
            if (verdicts != null) {
                verdicts.share(instance.id(), Exclusion.INHIBITED, quarantine.duration());
            }
        }
    }

    /**
     * A circuit that just opened is worth telling the other frontends about, for its open time.
     * (Through methods only: a field of a bean read through its client proxy is null.)
     */
    private void shareIfOpen(InstanceId id) {
        if (verdicts != null
                && breakers.status(id).map(st -> st.state().equals("open")).orElse(false)) {
            verdicts.share(id, Exclusion.CIRCUIT_OPEN, breakers.openDuration());
        }
    }

    /**
     * The instance's engine failed a request: no inhibition (the instance answers; Dynamo does not
     * inhibit it), but a failure for its circuit.
     */
    public void reportError(Instance instance, String what) {
        breakers.failure(instance.id(), what);
        shareIfOpen(instance.id());
    }

    /**
     * The instance's engine was full and took nothing of the request: busy is not dead, so nothing
     * counts against it (no inhibition, no circuit failure); a half-open trial it held is free again.
     */
    public void reportBusy(Instance instance) {
        breakers.release(instance.id());
    }

    /** An attempt of a request was given the instance; {@link #attemptEnded} follows once. */
    void attemptStarted(Instance instance) {
        inFlight.started(instance.id());
    }

    void attemptEnded(Instance instance) {
        inFlight.ended(instance.id());
    }

    /** Attempts of this frontend running on the instance now. */
    public int inFlight(InstanceId id) {
        return inFlight.of(id);
    }

    /** The instance served a request to its end. */
    public void reportSuccess(Instance instance) {
        breakers.success(instance.id());
    }

    /** An attempt held its instance {@code nanos} and was served to its end. */
    void served(long nanos) {
        retryAfter.served(nanos);
    }

    long nanoTime() {
        return clock.nanoTime();
    }

    /**
     * The {@code Retry-After} (seconds) for a client refused because the model's workers are all busy:
     * how long until one of their slots is likely free, from the queues and loads they publish and how
     * long attempts have recently taken ({@link RetryAfterEstimate}, 1..60 s).
     */
    public int retryAfterSecs(String model) {
        ServedModels.Model served = models.find(model);
        long waiting = 0;
        long running = 0;
        if (served != null) {
            for (Instance instance : routableInstances(served)) {
                var load = busy.load(instance.id());
                if (load.isPresent()) {
                    waiting += load.get().queueDepth();
                    running += load.get().activeSequences();
                }
            }
        }
        return retryAfter.seconds(waiting, running);
    }

    /** Whether a request for this model could be routed now: what {@code /v1/models} lists. */
    public boolean servable(ServedModels.Model model) {
        return routableCount(model) > 0;
    }

    /** How many of the model's instances may take traffic now (load aside). */
    public int routableCount(ServedModels.Model model) {
        return routableInstances(model).size();
    }

    /** What is missing for a model none of whose instances may take traffic, as clients are told. */
    public String whyUnavailable(ServedModels.Model model) {
        List<Instance> listed = model.instancesIn(instances.list());
        if (listed.isEmpty()) {
            return noLiveInstance(model.name());
        }
        if (listed.stream().allMatch(instance -> draining.contains(instance.id()))) {
            return "Model temporarily unavailable: every instance of " + model.name() + " is draining";
        }
        return "Model temporarily unavailable: no instance of " + model.name() + " has passed its probes yet";
    }

    /** The 503 message for a model none of whose instances can take a request. */
    public static String noLiveInstance(String model) {
        return "Model temporarily unavailable: no live instance serves " + model;
    }

    /**
     * The model's instances that may receive traffic: all of them unless probes hold some back.
     * Plain loops, not streams, here and below: this runs for every request.
     */
    private List<Instance> routableInstances(ServedModels.Model model) {
        List<Instance> known = instances.list();
        List<Instance> live = new ArrayList<>(known.size());
        for (Instance instance : known) {
            if (model.serves(instance) && eligibility(instance.id()).routable()) {
                live.add(instance);
            }
        }
        return live;
    }

    private Set<InstanceId> busyAmong(String model, List<Instance> live) {
        Set<InstanceId> busyIds = null;
        for (Instance instance : live) {
            if (busy.busy(model, instance.id())) {
                if (busyIds == null) {
                    busyIds = new HashSet<>();
                }
                busyIds.add(instance.id());
            }
        }
        return busyIds == null ? Set.of() : busyIds;
    }

    /**
     * Whether the instance may take a request now, and if not why: the one place this is computed,
     * for routing here and for the worker states {@code /v1/instances} shows.
     */
    public Eligibility eligibility(InstanceId id) {
        boolean probesPassed = probes.routable(id);
        return new Eligibility(
                draining.contains(id),
                probesPassed,
                probesPassed || probes.admittedOnce(id),
                quarantine.contains(id),
                verdicts != null && verdicts.against(id).isPresent(),
                breakers.permits(id),
                breakers.status(id).orElse(null));
    }

    private Optional<Attempt> pickAmong(String model, List<Instance> live, Set<InstanceId> busyIds) {
        List<Instance> candidates = new ArrayList<>(live.size());
        for (Instance instance : live) {
            if (eligibility(instance.id()).candidate()) {
                candidates.add(instance);
            }
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        List<Instance> free = candidates;
        if (!busyIds.isEmpty()) {
            free = new ArrayList<>(candidates.size());
            for (Instance instance : candidates) {
                if (!busyIds.contains(instance.id())) {
                    free.add(instance);
                }
            }
        }
        Instance picked = picker.pick(free.isEmpty() ? candidates : free);
        failOpen.routedNormally(model);
        breakers.acquire(picked.id());
        return Optional.of(new Attempt(this, picked));
    }

    /**
     * The least bad excluded instance of the model, when failing open is on and one may be tried: one
     * discovery lists, that passed its probes once, that has not refused this request ({@code avoid})
     * and is not {@code failedOn}. Busy instances are excluded by load, not judgement: the caller sheds
     * or avoids them before this is asked.
     */
    private Optional<Attempt> failOpen(ServedModels.Model model, Set<InstanceId> avoid, InstanceId failedOn) {
        if (!failOpen.enabled()) {
            return Optional.empty();
        }
        List<FailOpen.Excluded> excluded = new ArrayList<>();
        for (Instance instance : instances.list()) {
            InstanceId id = instance.id();
            if (!model.serves(instance) || avoid.contains(id) || id.equals(failedOn)) {
                continue;
            }
            Eligibility standing = eligibility(id);
            Set<Exclusion> why = standing.exclusions();
            // A draining worker is out by an operator's decision, not by this frontend's judgement.
            if (standing.admittedOnce() && !standing.draining() && !why.isEmpty()) {
                excluded.add(new FailOpen.Excluded(instance, why));
            }
        }
        List<FailOpen.Excluded> leastBad = failOpen.leastBad(excluded);
        if (leastBad.isEmpty()) {
            return Optional.empty();
        }
        List<Instance> ties = new ArrayList<>(leastBad.size());
        for (FailOpen.Excluded e : leastBad) {
            ties.add(e.instance());
        }
        Instance picked = picker.pick(ties);
        for (FailOpen.Excluded e : leastBad) {
            if (e.instance() == picked) {
                failOpen.failedOpen(model.name(), e, excluded.size());
            }
        }
        breakers.acquire(picked.id());
        return Optional.of(new Attempt(this, picked));
    }
}
