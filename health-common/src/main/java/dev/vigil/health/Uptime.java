package dev.vigil.health;

/**
 * Time since a fixed origin, split like Rust's {@code Duration} serialisation: whole seconds and
 * the remaining nanoseconds.
 */
public record Uptime(long secs, int nanos) {

    public static Uptime ofNanos(long elapsedNanos) {
        long clamped = Math.max(0, elapsedNanos);
        return new Uptime(clamped / 1_000_000_000L, (int) (clamped % 1_000_000_000L));
    }

    public double toSeconds() {
        return secs + nanos / 1e9;
    }
}
