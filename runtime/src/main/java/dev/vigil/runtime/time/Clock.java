package dev.vigil.runtime.time;

import java.time.Instant;

/**
 * The one source of time for everything that measures or schedules: monotonic nanoseconds for
 * durations, timeouts and rates (never wall-clock time, which jumps), and the wall-clock instant for
 * what is shown to people ({@code since} fields, logs). Code that decides something from elapsed time
 * takes a {@code Clock} instead of calling {@link System#nanoTime()}, so a test can drive time with a
 * {@link ManualClock} rather than sleep.
 */
public interface Clock {

    /** The machine's clocks. */
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public String toString() {
            return "Clock.SYSTEM";
        }
    };

    /** Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
    long nanoTime();

    /** The wall-clock time now. */
    Instant now();

    /** Milliseconds elapsed since {@code startNanos}, a value {@link #nanoTime()} returned. */
    default long millisSince(long startNanos) {
        return (nanoTime() - startNanos) / 1_000_000;
    }
}
