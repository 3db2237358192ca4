package dev.vigil.runtime.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What one frontend concluded about a worker process from its own requests (it could not reach it,
 * its circuit opened), shared through discovery so other frontends need not each fail on the same
 * worker to learn it. Vigil's; Dynamo's frontends neither write nor read it.
 *
 * @param worker the worker process judged
 * @param reporter the frontend process that judged it (its lease holds the key)
 * @param exclusion why, as the reporter names it ({@code inhibited}, {@code circuit_open})
 * @param ttl how long the reporter keeps the worker out; readers keep it out no longer than this
 *     from when they saw the verdict, and no longer than their own cap
 */
public record HealthVerdict(InstanceId worker, InstanceId reporter, String exclusion, Duration ttl) {

    public HealthVerdict {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(reporter, "reporter");
        Objects.requireNonNull(exclusion, "exclusion");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
    }
}
