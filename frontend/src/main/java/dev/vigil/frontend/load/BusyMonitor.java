package dev.vigil.frontend.load;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.vigil.frontend.config.LoadSheddingConfig;
import dev.vigil.runtime.config.RuntimeConfig;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EventSubjects;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.EventPlane;

/**
 * Knows which workers are busy, from the load they publish on the event plane, under thresholds set
 * per model (from the environment at start, changed at run time through {@code /busy_threshold}).
 *
 * <p>The decode-blocks check is a latch with hysteresis (Dynamo's): set when either used KV blocks or
 * active decode blocks exceed the threshold, cleared only when both are at or below it. Unlike
 * Dynamo, nothing resets the latch behind the monitor's back on discovery changes: a worker is free
 * again only when its own load says so.
 */
@ApplicationScoped
public class BusyMonitor {

    private static final Logger LOG = Logger.getLogger(BusyMonitor.class);

    /** Dynamo's assumption when a worker does not report its batch size. */
    static final long DEFAULT_MAX_NUM_BATCHED_TOKENS = 10_000_000L;

    @Inject
    EventPlane plane;

    @Inject
    RuntimeConfig runtime;

    @Inject
    LoadSheddingConfig config;

    private final Map<InstanceId, LoadMetrics> loads = new ConcurrentHashMap<>();
    private final Map<InstanceId, Boolean> decodeLatch = new ConcurrentHashMap<>();
    private final Map<String, Thresholds> perModel = new ConcurrentHashMap<>();
    private volatile Thresholds defaults = Thresholds.NONE;
    private Subscription subscription;

    void start(@Observes StartupEvent event) {
        defaults = new Thresholds(
                config.activeDecodeBlocksThreshold().orElse(null),
                config.activePrefillTokensThreshold().orElse(null),
                config.activePrefillTokensThresholdFrac().orElse(null));
        subscription = plane.subscribe(EventSubjects.loadMetrics(runtime.namespace()), this::onLoad);
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.close();
        }
    }

    /** Forgets the load and latch of every instance discovery no longer lists (worker restarts bring new ids). */
    public void retainOnly(Set<InstanceId> live) {
        loads.keySet().retainAll(live);
        decodeLatch.keySet().retainAll(live);
    }

    /** How many instances have a load or a latch kept (bounded by the instances discovery lists). */
    public int size() {
        java.util.Set<InstanceId> kept = new java.util.HashSet<>(loads.keySet());
        kept.addAll(decodeLatch.keySet());
        return kept.size();
    }

    private void onLoad(byte[] payload) {
        try {
            LoadMetrics load = WireCodec.decodeLoadMetrics(payload);
            loads.put(new InstanceId(load.workerId()), load);
        } catch (Exception e) {
            LOG.debugf("Ignoring an unreadable load event: %s", e.getMessage());
        }
    }

    /**
     * The fraction of its KV cache blocks the worker last reported in use, 0 to 1; 0 for a worker never
     * heard from or reporting no blocks. What load-aware routing breaks ties with.
     */
    public double kvUsage(InstanceId worker) {
        LoadMetrics load = loads.get(worker);
        if (load == null || load.kvTotalBlocks() <= 0) {
            return 0;
        }
        return Math.min(1.0, Math.max(0.0, (double) load.kvUsedBlocks() / load.kvTotalBlocks()));
    }

    /** The load this worker published last; empty for one never heard from. */
    public java.util.Optional<LoadMetrics> load(InstanceId worker) {
        return java.util.Optional.ofNullable(loads.get(worker));
    }

    /** The thresholds that apply to a model now. */
    public Thresholds thresholds(String model) {
        return perModel.getOrDefault(model, defaults);
    }

    public void setThresholds(String model, Thresholds thresholds) {
        perModel.put(model, thresholds);
        LOG.infof("Busy thresholds for %s: %s", model, thresholds);
    }

    /** Whether this worker is busy under the model's thresholds; a worker never heard from is free. */
    public boolean busy(String model, InstanceId worker) {
        Thresholds t = thresholds(model);
        LoadMetrics load = loads.get(worker);
        if (!t.configured() || load == null) {
            return false;
        }
        boolean busy = false;
        if (t.decodeBlocks() != null && load.kvTotalBlocks() > 0) {
            double limit = t.decodeBlocks() * load.kvTotalBlocks();
            boolean over = load.kvUsedBlocks() > limit || load.activeDecodeBlocks() > limit;
            boolean under = load.kvUsedBlocks() <= limit && load.activeDecodeBlocks() <= limit;
            boolean latched = decodeLatch.compute(worker, (k, was) -> over || (Boolean.TRUE.equals(was) && !under));
            busy = latched;
        }
        if (t.prefillTokens() != null && load.activePrefillTokens() > t.prefillTokens()) {
            busy = true;
        }
        if (t.prefillTokensFrac() != null
                && load.activePrefillTokens() > Math.floor(t.prefillTokensFrac() * DEFAULT_MAX_NUM_BATCHED_TOKENS)) {
            busy = true;
        }
        return busy;
    }
}
