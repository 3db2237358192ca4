package dev.vigil.frontend.api;

import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;

import dev.vigil.frontend.routing.Attempt;
import dev.vigil.frontend.routing.StreamWatchdog;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.protocol.WireFormatException;
import dev.vigil.runtime.transport.PlaneClient;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;

/**
 * One attempt of a request running on the request plane: its stream, the watchdog that ends it when
 * the worker goes silent for {@code DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS}, and the client's pause.
 * Its callbacks go to the operator with the run they belong to, so the operator can drop those of a
 * run it has given up.
 */
final class AttemptRun {

    private static final Logger LOG = Logger.getLogger(AttemptRun.class);

    /**
     * What every run shares: the plane, {@code vertx} for timers (the retry backoff), the silence
     * watchdog ({@code DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS}), and {@code callbacks} that run the
     * plane's callbacks on the HTTP request's event loop (where the response is written, so a token
     * crosses one thread boundary, not two).
     */
    record Settings(PlaneClient plane, Vertx vertx, StreamWatchdog.Settings watchdog, Executor callbacks) {}

    /** Where a run's events go; called on the plane's callback executor or a timer thread. */
    interface Listener {
        void data(AttemptRun run, EngineOutput out);

        void completed(AttemptRun run);

        void failed(AttemptRun run, StreamError error);

        /**
         * Handling one of the run's callbacks threw: a fault of this frontend, not of the worker. The
         * run's stream is already killed; the request must end now, or nothing would ever end it.
         */
        void broke(AttemptRun run, RuntimeException cause);

        /** The plane delivered everything it held for the client: write it out. */
        void caughtUp();
    }

    private final Attempt attempt;
    private final StreamWatchdog watchdog;
    private final ResponseStream stream;
    private final long timeoutSecs;

    /**
     * Sends {@code payload} to the attempt's instance; the run starts paused when the client is not
     * reading (a migration while the client stalls).
     */
    AttemptRun(
            Attempt attempt, byte[] payload, String requestId, Settings settings, Listener listener, boolean paused) {
        this.attempt = attempt;
        this.watchdog = StreamWatchdog.start(settings.watchdog(), () -> listener.failed(this, silence()));
        this.timeoutSecs = settings.watchdog().timeout().toSeconds();
        this.stream = settings.plane()
                .call(attempt.instance().address(), requestId, payload, new Observer(listener), settings.callbacks());
        if (paused) {
            hold(true);
        }
    }

    Attempt attempt() {
        return attempt;
    }

    /** The worker produced something: it is not silent. */
    void touch() {
        watchdog.touch();
    }

    /** The client stopped (or resumed) reading: the stream is paused, and its silence not counted. */
    void hold(boolean paused) {
        watchdog.hold(paused);
        if (paused) {
            stream.pause();
        } else {
            stream.resume();
        }
    }

    /** The run is over; the worker is told to drop the request when it may still be working on it. */
    void stop(boolean kill) {
        watchdog.stop();
        if (kill) {
            stream.kill();
        }
    }

    /** Ends a run the watchdog found silent; returns the failure to decide on. */
    private StreamError silence() {
        LOG.warnf(
                "No response from instance %s for %d s; ending the attempt",
                attempt.instance().id().hex(), timeoutSecs);
        stream.kill();
        return new StreamError.ResponseTimeout(
                "no response for " + timeoutSecs + " s (DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS)");
    }

    private final class Observer implements ResponseObserver {
        private final Listener listener;

        Observer(Listener listener) {
            this.listener = listener;
        }

        /** Decoded here, on the plane's callback thread, so the operator's lock is held only to use it. */
        @Override
        public void onData(byte[] data) {
            EngineOutput out;
            try {
                out = WireCodec.decodeEngineOutput(data);
            } catch (WireFormatException e) {
                onError(new StreamError.Backend("unreadable engine output: " + e.getMessage()));
                return;
            }
            guarded(() -> listener.data(AttemptRun.this, out));
        }

        @Override
        public void onComplete() {
            guarded(() -> listener.completed(AttemptRun.this));
        }

        @Override
        public void onError(StreamError error) {
            guarded(() -> listener.failed(AttemptRun.this, error));
        }

        @Override
        public void onCaughtUp() {
            guarded(listener::caughtUp);
        }

        /**
         * Runs a callback; if it throws (a bug here), kills the worker's side and lets the listener
         * end the request. The plane would only log the exception and go on, leaving the client
         * waiting with no bound but its own patience.
         */
        private void guarded(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.errorf(
                        e,
                        "Internal error handling the response of instance %s; ending the request",
                        attempt.instance().id().hex());
                if (stream != null) {
                    stream.kill();
                }
                listener.broke(AttemptRun.this, e);
            }
        }
    }
}
