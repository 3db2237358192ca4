package dev.vigil.frontend.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;

import dev.vigil.frontend.metrics.ProbeMetrics;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;

/**
 * Probes every discovered worker process with every configured probe and says which may receive
 * traffic. Per (instance, probe) exactly one execution is in flight at a time: the next one is
 * scheduled {@code interval} after the previous one ended, as dstack measures it. The first runs as
 * soon as the instance is discovered. With no probes configured every discovered instance is
 * routable at once, Dynamo's behaviour.
 */
public final class ProbeRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProbeRunner.class);

    private final Vertx vertx;
    private final List<Probe> probes;
    private final ProbeSender sender;
    private final ProbeMetrics metrics;
    private final Map<InstanceId, Target> targets = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A process under probing: its state, its endpoints and the timer of each probe's next run. */
    private final class Target {
        final ProbedInstance state;
        final long[] timers;
        volatile Instance sample;
        volatile List<String> endpoints;
        volatile boolean removed;

        Target(ProbedInstance state, Instance sample, List<String> endpoints) {
            this.state = state;
            this.sample = sample;
            this.endpoints = endpoints;
            this.timers = new long[probes.size()];
        }
    }

    public ProbeRunner(Vertx vertx, List<Probe> probes, ProbeSender sender, ProbeMetrics metrics) {
        this.vertx = vertx;
        this.probes = List.copyOf(probes);
        this.sender = sender;
        this.metrics = metrics;
    }

    public List<Probe> probes() {
        return probes;
    }

    /**
     * Makes the probed set match the instances discovery lists now: new processes start being
     * probed (not routable yet), processes that are gone stop, and the rest carry on with their
     * streaks.
     */
    public synchronized void sync(Collection<Instance> instances) {
        if (closed) {
            return;
        }
        Map<InstanceId, List<Instance>> byProcess = new LinkedHashMap<>();
        instances.forEach(i ->
                byProcess.computeIfAbsent(i.id(), ignored -> new ArrayList<>()).add(i));
        for (var it = targets.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            List<Instance> now = byProcess.get(entry.getKey());
            if (now == null
                    || !Objects.equals(statusUrl(now), entry.getValue().state.statusUrl())) {
                it.remove();
                stop(entry.getValue());
            }
        }
        byProcess.forEach((id, list) -> {
            Target existing = targets.get(id);
            List<String> endpoints =
                    List.copyOf(list.stream().map(Instance::endpoint).collect(Collectors.toCollection(TreeSet::new)));
            if (existing != null) {
                // The same process with endpoints added or removed: it keeps its streaks.
                existing.sample = list.get(0);
                existing.endpoints = endpoints;
                return;
            }
            String url = statusUrl(list);
            Target target = new Target(new ProbedInstance(id, url, probes), list.get(0), endpoints);
            targets.put(id, target);
            if (probes.isEmpty()) {
                return;
            }
            if (url == null) {
                LOG.warnf(
                        "Instance %s published no system status address: it cannot be probed and gets no"
                                + " traffic (is it a Vigil worker?)",
                        id.hex());
                return;
            }
            LOG.infof(
                    "Probing instance %s at %s with %d probe(s) before it gets traffic", id.hex(), url, probes.size());
            for (int i = 0; i < probes.size(); i++) {
                run(target, i);
            }
        });
    }

    /** May a request go to this process? */
    public boolean routable(InstanceId id) {
        if (probes.isEmpty()) {
            return true;
        }
        Target target = targets.get(id);
        return target != null && target.state.routable();
    }

    /** Did this process pass its probes once (every known one does when there are no probes)? */
    public boolean admittedOnce(InstanceId id) {
        if (probes.isEmpty()) {
            return true;
        }
        Target target = targets.get(id);
        return target != null && target.state.admittedOnce();
    }

    /** How many known processes may receive requests. */
    public int routableCount() {
        if (probes.isEmpty()) {
            return targets.size();
        }
        return (int) targets.values().stream().filter(t -> t.state.routable()).count();
    }

    /** Every known process, ordered by instance id. */
    public List<InstanceView> view() {
        return targets.values().stream()
                .sorted(Comparator.comparing(t -> t.state.id().decimal()))
                .map(this::view)
                .toList();
    }

    @Override
    public synchronized void close() {
        closed = true;
        targets.values().forEach(this::stop);
        targets.clear();
        sender.close();
    }

    private InstanceView view(Target t) {
        boolean probing = !probes.isEmpty();
        String state = probing ? t.state.state().label : ProbedInstance.State.READY.label;
        return new InstanceView(
                t.state.id(),
                t.sample.namespace(),
                t.sample.component(),
                t.endpoints,
                t.state.statusUrl(),
                state,
                routable(t.state.id()),
                t.state.probes(),
                t.state.symbols());
    }

    private void run(Target target, int probe) {
        if (closed || target.removed || !target.state.active(probe)) {
            return;
        }
        Probe config = probes.get(probe);
        sender.send(target.state.statusUrl(), config).onComplete(done -> {
            ProbeOutcome outcome = done.succeeded()
                    ? done.result()
                    : new ProbeOutcome(ProbeOutcome.Result.ERROR, 0, Duration.ZERO, "probe failed to run");
            // Under the target's lock, so an outcome arriving as the instance leaves neither
            // schedules another run nor recreates the metric series stop() removed.
            synchronized (target) {
                if (closed || target.removed) {
                    return;
                }
                ProbeLog.log(target.state, config, outcome, target.state.record(probe, outcome));
                metrics.executed(
                        target.state.id(), config.index(), outcome.result().label(), outcome.latency());
                if (target.state.active(probe)) {
                    target.timers[probe] = vertx.setTimer(config.interval().toMillis(), ignored -> run(target, probe));
                }
            }
        });
    }

    private void stop(Target target) {
        synchronized (target) {
            target.removed = true;
            for (long timer : target.timers) {
                vertx.cancelTimer(timer);
            }
            metrics.forget(target.state.id());
        }
        if (!probes.isEmpty()) {
            LOG.infof(
                    "Stopped probing instance %s: it left discovery",
                    target.state.id().hex());
        }
    }

    private static String statusUrl(List<Instance> instances) {
        return instances.stream()
                .map(Instance::systemStatusUrl)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }
}
