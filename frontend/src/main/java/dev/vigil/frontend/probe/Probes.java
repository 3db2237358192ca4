package dev.vigil.frontend.probe;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;

import dev.vigil.frontend.metrics.ProbeMetrics;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * The frontend's prober as a bean: discovery feeds it ({@link #sync}), the router asks it which
 * instances may get traffic ({@link #routable}), and {@code /v1/instances} shows what it sees.
 */
@ApplicationScoped
public class Probes {

    @Inject
    Vertx vertx;

    @Inject
    ProbeDefinitions settings;

    @Inject
    MeterRegistry registry;

    @Inject
    Clock clock;

    private ProbeRunner runner;

    private synchronized ProbeRunner runner() {
        if (runner == null) {
            ProbeMetrics metrics = new ProbeMetrics(registry);
            runner = new ProbeRunner(
                    vertx, settings.probes(), new HttpProbeSender(vertx, settings.environment(), clock), metrics);
            metrics.routableInstances(runner::routableCount);
        }
        return runner;
    }

    public void sync(Collection<Instance> instances) {
        runner().sync(instances);
    }

    /** How many known worker processes may receive requests (past their probes, when there are any). */
    public int routableCount() {
        return runner().routableCount();
    }

    public boolean routable(InstanceId id) {
        return runner().routable(id);
    }

    /**
     * Whether the process passed its probes at some point, even if they took it out since: only such
     * a process may be sent a request when every other choice is gone (fail-open). One that never
     * passed them gets nothing: gating new workers holds whatever else fails.
     */
    public boolean admittedOnce(InstanceId id) {
        return runner().admittedOnce(id);
    }

    public List<Probe> configured() {
        return runner().probes();
    }

    public List<InstanceView> view() {
        return runner().view();
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (this) {
            if (runner != null) {
                runner.close();
            }
        }
    }
}
