package dev.vigil.worker.lifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.time.Clock;
import dev.vigil.worker.admission.AdmissionQueue;
import dev.vigil.worker.config.AdmissionConfig;
import dev.vigil.worker.metrics.AdmissionMetrics;

/** The worker's one admission queue, in front of its engine, from {@code DYN_BACKEND_ADMISSION_*}. */
@ApplicationScoped
public class AdmissionProducer {

    private static final Logger LOG = Logger.getLogger(AdmissionProducer.class);

    private final ScheduledExecutorService timeouts =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-admission-timeouts"));

    @Produces
    @Singleton
    AdmissionQueue admission(AdmissionConfig config, Clock clock, MeterRegistry registry) {
        AdmissionQueue.Settings settings = new AdmissionQueue.Settings(
                config.maxConcurrent(), config.queueSize(), Duration.ofMillis(config.queueTimeoutMs()));
        AdmissionMetrics metrics = new AdmissionMetrics(registry);
        AdmissionQueue queue = new AdmissionQueue(
                settings,
                clock,
                (delay, task) -> timeouts.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS),
                metrics);
        metrics.depthOf(queue::waiting);
        if (settings.enabled()) {
            LOG.infof(
                    "Admission control: %d requests in the engine at once, up to %d waiting at most %d ms",
                    settings.maxConcurrent(), settings.queueSize(), config.queueTimeoutMs());
        }
        return queue;
    }

    void close(@Disposes AdmissionQueue queue) {
        timeouts.shutdownNow();
    }
}
