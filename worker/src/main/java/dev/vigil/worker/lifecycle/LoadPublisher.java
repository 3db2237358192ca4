package dev.vigil.worker.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.model.EventSubjects;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.EventPlane;
import dev.vigil.worker.engine.Engine;

/**
 * Publishes the engine's load ({@code LoadMetrics}) every {@link #INTERVAL} on the namespace's event
 * subject ({@link EventSubjects#loadMetrics}, Dynamo's {@code kv_metrics}), where the frontends'
 * busy detection reads it. Fire and forget: a missed publication is replaced by the next one.
 */
public final class LoadPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoadPublisher.class);

    /** How often the worker publishes its load on the event plane for the frontend's busy detection. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final EventPlane plane;
    private final Supplier<LoadMetrics> load;
    private final String subject;
    private final InstanceId id;
    private final Duration interval;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-load-publisher"));

    /** Publishes every {@link #INTERVAL}, once started. */
    public LoadPublisher(EventPlane plane, Supplier<LoadMetrics> load, String namespace, InstanceId id) {
        this(plane, load, namespace, id, INTERVAL);
    }

    /** Publishes the engine's own load (nothing waits in front of it). */
    LoadPublisher(EventPlane plane, Engine engine, String namespace, InstanceId id, Duration interval) {
        this(plane, () -> engine.loadMetrics(id.value()), namespace, id, interval);
    }

    LoadPublisher(EventPlane plane, Supplier<LoadMetrics> load, String namespace, InstanceId id, Duration interval) {
        this.plane = Objects.requireNonNull(plane, "plane");
        this.load = Objects.requireNonNull(load, "load");
        this.subject = EventSubjects.loadMetrics(namespace);
        this.id = Objects.requireNonNull(id, "id");
        this.interval = interval;
    }

    /** Starts publishing, the first time one interval from now. */
    public void start() {
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::publish, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void publish() {
        try {
            plane.publish(subject, WireCodec.encode(load.get()));
        } catch (Exception e) {
            // Caught, or the timer would never run this again.
            LOG.debugf("Could not publish load: %s", e.getMessage());
        }
    }

    /** Stops publishing; nothing is published after this returns, short of one already running. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
