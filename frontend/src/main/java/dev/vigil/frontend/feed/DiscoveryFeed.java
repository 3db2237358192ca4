package dev.vigil.frontend.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.frontend.load.BusyMonitor;
import dev.vigil.frontend.metrics.RequestMetrics;
import dev.vigil.frontend.model.DrainingWorkers;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.frontend.model.ServedModels;
import dev.vigil.frontend.probe.Probes;
import dev.vigil.frontend.routing.CircuitBreakers;
import dev.vigil.frontend.routing.Quarantine;
import dev.vigil.frontend.routing.SharedVerdicts;
import dev.vigil.frontend.routing.WorkerStates;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;

/**
 * Keeps the frontend's view of the cluster current: every discovery change replaces the known
 * instances and models, which /health, /v1/models and the router read from memory. Connecting at
 * start-up makes a frontend that cannot reach discovery fail at once, saying why.
 */
@ApplicationScoped
public class DiscoveryFeed {

    private static final Logger LOG = Logger.getLogger(DiscoveryFeed.class);

    @Inject
    Discovery discovery;

    @Inject
    KnownInstances instances;

    @Inject
    ServedModels models;

    @Inject
    Quarantine quarantine;

    @Inject
    Probes probes;

    @Inject
    RequestMetrics requestMetrics;

    @Inject
    WorkerStates workerStates;

    @Inject
    CircuitBreakers breakers;

    @Inject
    BusyMonitor busy;

    @Inject
    DrainingWorkers draining;

    @Inject
    SharedVerdicts verdicts;

    private final List<Subscription> subscriptions = new ArrayList<>();

    void start(@Observes StartupEvent event) {
        subscriptions.add(discovery.watchInstances(change -> {
            instances.replace(List.copyOf(change.current().values()));
            probes.sync(change.current().values());
            // Dynamo resets its quarantine on every change of the source list.
            quarantine.clear();
            // Per-instance tables keep only instances discovery lists: restarts bring new ids.
            Set<InstanceId> live =
                    change.current().values().stream().map(Instance::id).collect(Collectors.toSet());
            breakers.retainOnly(live);
            busy.retainOnly(live);
            verdicts.retainOnly(live);
            change.added().forEach(key -> LOG.infof("Instance added: %s", key));
            change.removed().forEach(key -> LOG.infof("Instance removed: %s", key));
            workerStates.refresh();
        }));
        subscriptions.add(discovery.watchModels(change -> {
            models.replace(change.current().values());
            // Every request series of a model exists, at 0, from the moment it is discovered.
            requestMetrics.modelsKnown(models.all().keySet());
            change.added().forEach(key -> LOG.infof("Model added: %s", key));
            change.removed().forEach(key -> LOG.infof("Model removed: %s", key));
            workerStates.refresh();
        }));
        watchDraining();
        if (verdicts.enabled()) {
            subscriptions.add(discovery.watchVerdicts(change -> {
                verdicts.update(change.current());
                workerStates.refresh();
            }));
        }
    }

    private void watchDraining() {
        subscriptions.add(discovery.watchDraining(change -> {
            draining.replace(Set.copyOf(change.current().values()));
            change.added().forEach(key -> LOG.infof("Worker draining: %s", key));
            change.removed().forEach(key -> LOG.infof("Worker no longer draining: %s", key));
            workerStates.refresh();
        }));
    }

    void stop(@Observes ShutdownEvent event) {
        subscriptions.forEach(Subscription::close);
    }
}
