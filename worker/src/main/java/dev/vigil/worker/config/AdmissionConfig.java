package dev.vigil.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.NonNegativeIntConverter;
import dev.vigil.runtime.config.PositiveIntConverter;

/**
 * Admission control in front of the engine ({@code DYN_BACKEND_ADMISSION_*}, Vigil's names for
 * Dynamo's idea): how many requests the engine gets at once, how many may wait for a slot and for how
 * long. Off by default, as the worker was before: every request goes to the engine, which queues it
 * itself. Read through {@code AdmissionProducer}.
 */
@ConfigMapping(prefix = "dyn.backend.admission")
public interface AdmissionConfig {

    /**
     * {@code DYN_BACKEND_ADMISSION_MAX_CONCURRENT}: requests in the engine at once; the next wait in
     * the admission queue. 0 (the default) turns admission off.
     */
    @WithDefault("0")
    @WithConverter(NonNegativeIntConverter.class)
    int maxConcurrent();

    /**
     * {@code DYN_BACKEND_ADMISSION_QUEUE_SIZE}: requests that may wait for a slot; one more is answered
     * busy ({@code queue_full}), so the frontend tries another worker. 0 refuses at once when every slot
     * is taken.
     */
    @WithDefault("1024")
    @WithConverter(NonNegativeIntConverter.class)
    int queueSize();

    /**
     * {@code DYN_BACKEND_ADMISSION_QUEUE_TIMEOUT_MS}: the longest a request waits for a slot; past it,
     * it is answered busy ({@code queue_timeout}); 1 or more.
     */
    @WithName("queue-timeout-ms")
    @WithDefault("30000")
    @WithConverter(PositiveIntConverter.class)
    int queueTimeoutMs();
}
