package dev.vigil.frontend.api;

import dev.vigil.frontend.metrics.FrontendMetrics;
import dev.vigil.runtime.time.Clock;

/**
 * The gap a migrated stream shows its client, for {@code vigil_frontend_migration_recovery_seconds}:
 * from the last token of the attempt that broke (when its stream broke, as the client saw it) to the
 * first token of the attempt that took over. Several migrations before a token are one gap. Not
 * thread-safe: used under the request's lock.
 */
final class MigrationGap {

    private final Clock clock;
    private final FrontendMetrics metrics;
    private final String model;
    private long lastTokenNanos = -1;
    private long openSinceNanos = -1;

    MigrationGap(Clock clock, FrontendMetrics metrics, String model) {
        this.clock = clock;
        this.metrics = metrics;
        this.model = model;
    }

    /** Tokens reached the client: a gap open since a migration closes. */
    void token() {
        long now = clock.nanoTime();
        if (openSinceNanos >= 0) {
            metrics.migrationRecovery(model, now - openSinceNanos);
            openSinceNanos = -1;
        }
        lastTokenNanos = now;
    }

    /** Another attempt takes the request over; before any token there is no stream to recover. */
    void migrating() {
        if (lastTokenNanos >= 0 && openSinceNanos < 0) {
            openSinceNanos = lastTokenNanos;
        }
    }
}
