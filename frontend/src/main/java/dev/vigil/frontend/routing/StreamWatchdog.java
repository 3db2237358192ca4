package dev.vigil.frontend.routing;

import java.time.Duration;

import io.vertx.core.Vertx;

import dev.vigil.runtime.time.Clock;

/**
 * Ends an attempt whose stream produced nothing for {@code DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS}: a
 * worker whose transport still answers (heartbeats flow, so the silence timeout never fires) but whose
 * engine is stuck. One timer per attempt, re-armed only when it fires, so a token costs a timestamp,
 * not a timer.
 */
public final class StreamWatchdog {

    /** The setting and the timers it runs on; {@link #OFF} when the timeout is not set. */
    public record Settings(Vertx vertx, Duration timeout, Clock clock) {
        public static final Settings OFF = new Settings(null, Duration.ZERO, Clock.SYSTEM);

        boolean on() {
            return vertx != null && !timeout.isZero();
        }
    }

    private final Settings settings;
    private final Runnable onSilence;
    private volatile long lastActivityNanos;
    private volatile boolean held;
    private long timer = -1;
    private boolean stopped;

    private StreamWatchdog(Settings settings, Runnable onSilence) {
        this.settings = settings;
        this.onSilence = onSilence;
        this.lastActivityNanos = settings.clock().nanoTime();
    }

    /** Starts watching; {@code onSilence} runs once, on a timer thread, if the stream goes silent. */
    public static StreamWatchdog start(Settings settings, Runnable onSilence) {
        StreamWatchdog watchdog = new StreamWatchdog(settings, onSilence);
        if (settings.on()) {
            watchdog.arm(settings.timeout().toMillis());
        }
        return watchdog;
    }

    /**
     * While held the stream is silent because its client stopped reading and the stream was paused,
     * not because the engine is stuck: silence is not counted, and counting starts afresh on release.
     */
    public void hold(boolean held) {
        this.held = held;
        touch();
    }

    /** The stream produced something. */
    public void touch() {
        lastActivityNanos = settings.clock().nanoTime();
    }

    public synchronized void stop() {
        stopped = true;
        if (timer >= 0) {
            settings.vertx().cancelTimer(timer);
            timer = -1;
        }
    }

    private synchronized void arm(long delayMs) {
        if (!stopped) {
            timer = settings.vertx().setTimer(Math.max(1, delayMs), id -> check());
        }
    }

    private void check() {
        if (held) {
            touch();
        }
        long silentNanos = settings.clock().nanoTime() - lastActivityNanos;
        long timeoutNanos = settings.timeout().toNanos();
        if (silentNanos < timeoutNanos) {
            arm((timeoutNanos - silentNanos) / 1_000_000 + 1);
            return;
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            timer = -1;
        }
        onSilence.run();
    }
}
