package dev.vigil.health.canary;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.vigil.health.HealthStatus;
import dev.vigil.health.canary.EndpointActivity.ActiveRequest;

/**
 * The schedule of one endpoint's canary and its stall watchdog (see {@link CanaryScheduler}).
 *
 * <p>Traffic is recorded without a lock, since it is reported for every token; decisions (send a
 * canary, apply a result, declare a stall) are made under this object's monitor and write the
 * health state there, so {@link #close()} is a clean cut: nothing is applied after it. The probe and
 * the cancellation of its stage are called outside the monitor, because they reach into the engine,
 * whose threads call back into this object while holding their own locks.
 */
final class EndpointCanary {

    private final CanaryScheduler owner;
    private final String endpoint;
    private final String payload;
    private final long waitNanos;
    private final long timeoutNanos;
    private final long stallNanos;

    // Traffic: written by the request path, without the monitor.
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastProgress;
    private volatile long lastSuccess;
    private volatile boolean stalled;

    // Schedule: under the monitor.
    /** When the last canary ended, or when checking started. */
    private long lastChecked;

    private TaskTimer.Scheduled waitTimer;
    private TaskTimer.Scheduled watchdog;
    private Attempt attempt;
    /** The watchdog, not a canary, made the endpoint not ready: progress alone may undo it. */
    private boolean stallOwnsVerdict;

    private boolean closed;

    /** One canary in flight. */
    private static final class Attempt {
        final long startedAt;
        TaskTimer.Scheduled timeout;
        CompletableFuture<CanaryOutcome> stage;

        Attempt(long startedAt) {
            this.startedAt = startedAt;
        }
    }

    EndpointCanary(CanaryScheduler owner, String endpoint, String payload) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.payload = payload;
        this.waitNanos = owner.settings.waitTime().toNanos();
        this.timeoutNanos = owner.settings.requestTimeout().toNanos();
        this.stallNanos = owner.settings.stallTimeout().toNanos();
    }

    synchronized void start() {
        long now = owner.timer.nanoTime();
        lastChecked = now;
        lastSuccess = now;
        lastProgress = now;
        CanaryScheduler.LOG.infof("Health check task started for: %s", endpoint);
        waitTimer = owner.timer.schedule(this::onWaitTimer, waitNanos);
    }

    void close() {
        Attempt abandoned;
        synchronized (this) {
            closed = true;
            cancel(waitTimer);
            cancel(watchdog);
            waitTimer = null;
            watchdog = null;
            abandoned = attempt;
            attempt = null;
            if (abandoned != null) {
                cancel(abandoned.timeout);
            }
        }
        if (abandoned != null && abandoned.stage != null) {
            abandoned.stage.cancel(false);
        }
    }

    // ---- the canary ----------------------------------------------------------------------------

    private void onWaitTimer() {
        Attempt sending;
        synchronized (this) {
            waitTimer = null;
            if (closed || attempt != null) {
                return;
            }
            long now = owner.timer.nanoTime();
            long due = due();
            if (due - now > 0) {
                // Successful traffic moved the deadline since this timer was set.
                waitTimer = owner.timer.schedule(this::onWaitTimer, due - now);
                return;
            }
            // INFO, as the seed's documentation shows it (Dynamo's code logs it at DEBUG).
            CanaryScheduler.LOG.infof("Canary timer expired for %s, sending health check", endpoint);
            sending = new Attempt(now);
            attempt = sending;
            sending.timeout = owner.timer.schedule(() -> timedOut(sending), timeoutNanos);
        }
        send(sending);
    }

    /**
     * When the next canary is due: the wait time after the last canary, or after the last successful
     * request if that came later. Only while the endpoint is ready does traffic postpone the canary:
     * a not-ready endpoint is re-checked every wait time, busy or not, so it can recover.
     */
    private long due() {
        long base = lastChecked;
        long success = lastSuccess;
        if (success - base > 0 && ready()) {
            base = success;
        }
        return base + waitNanos;
    }

    private boolean ready() {
        return owner.health.snapshot().endpoints().get(endpoint) == HealthStatus.READY;
    }

    private void send(Attempt sending) {
        CanaryScheduler.LOG.debugf("Sending health check to %s via local registry", endpoint);
        CompletionStage<CanaryOutcome> sent;
        try {
            sent = owner.probe.send(endpoint, payload);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<CanaryOutcome> stage = sent.toCompletableFuture();
        boolean abandoned;
        synchronized (this) {
            sending.stage = stage;
            abandoned = attempt != sending;
        }
        if (abandoned) {
            // Timed out or closed while the probe was starting.
            stage.cancel(false);
            return;
        }
        stage.whenComplete((outcome, failure) -> completed(sending, outcome, failure));
    }

    private void completed(Attempt sent, CanaryOutcome outcome, Throwable failure) {
        if (failure != null) {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof CancellationException) {
                return; // we cancelled it: timed out or closed, already accounted for
            }
            finish(
                    sent,
                    CanaryResult.ERROR,
                    () -> CanaryScheduler.LOG.errorf("Health check request failed for %s: %s", endpoint, cause));
            return;
        }
        if (outcome instanceof CanaryOutcome.Healthy) {
            // INFO, as the seed's documentation shows it (Dynamo's code logs it at DEBUG).
            finish(sent, CanaryResult.OK, () -> CanaryScheduler.LOG.infof("Health check successful for %s", endpoint));
        } else if (outcome instanceof CanaryOutcome.ErrorResponse error) {
            finish(
                    sent,
                    CanaryResult.ERROR,
                    () -> CanaryScheduler.LOG.warnf(
                            "Health check error response from %s: %s", endpoint, error.message()));
        } else {
            finish(
                    sent,
                    CanaryResult.ERROR,
                    () -> CanaryScheduler.LOG.warnf("Health check got no response from %s", endpoint));
        }
    }

    private void timedOut(Attempt sent) {
        boolean applied = finish(
                sent,
                CanaryResult.TIMEOUT,
                () -> CanaryScheduler.LOG.warnf(
                        "Health check timeout for %s: stream not ended within %s",
                        endpoint, CanaryScheduler.seconds(owner.settings.requestTimeout())));
        CompletableFuture<CanaryOutcome> stage;
        synchronized (this) {
            stage = sent.stage;
        }
        if (applied && stage != null) {
            // Tells the probe to abandon its request, outside the monitor (see the class comment).
            stage.cancel(false);
        }
    }

    /** Applies the first verdict on an attempt; false if another one (or close) came first. */
    private boolean finish(Attempt sent, CanaryResult result, Runnable log) {
        long took;
        synchronized (this) {
            if (attempt != sent) {
                return false;
            }
            attempt = null;
            cancel(sent.timeout);
            long now = owner.timer.nanoTime();
            took = now - sent.startedAt;
            log.run();
            owner.health.setCheckedEndpoint(
                    endpoint, result == CanaryResult.OK ? HealthStatus.READY : HealthStatus.NOT_READY);
            // A canary's verdict replaces the watchdog's either way.
            stallOwnsVerdict = false;
            if (result == CanaryResult.OK && stalled) {
                // The engine just produced a whole stream: that is progress.
                stalled = false;
                lastProgress = now;
                armWatchdogIfBusy();
            }
            lastChecked = now;
            CanaryScheduler.LOG.debugf("Health check completed for %s", endpoint);
            waitTimer = owner.timer.schedule(this::onWaitTimer, waitNanos);
        }
        owner.observer.canaryFinished(endpoint, result, Duration.ofNanos(took));
        return true;
    }

    // ---- traffic and the stall watchdog --------------------------------------------------------

    ActiveRequest requestStarted() {
        if (stallNanos == 0) {
            inFlight.incrementAndGet();
        } else {
            synchronized (this) {
                // Progress is measured from when the endpoint became busy, not from the last token
                // of an earlier busy period.
                if (inFlight.getAndIncrement() == 0) {
                    lastProgress = owner.timer.nanoTime();
                    armWatchdogIfBusy();
                }
            }
        }
        return new Request();
    }

    /** Under the monitor. */
    private void armWatchdogIfBusy() {
        if (stallNanos > 0 && !closed && !stalled && watchdog == null && inFlight.get() > 0) {
            watchdog = owner.timer.schedule(this::onWatchdog, stallNanos);
        }
    }

    private void onWatchdog() {
        int busy;
        long idle;
        synchronized (this) {
            watchdog = null;
            busy = inFlight.get();
            if (closed || stalled || busy == 0) {
                return; // the next busy period arms it again
            }
            idle = owner.timer.nanoTime() - lastProgress;
            if (idle < stallNanos) {
                watchdog = owner.timer.schedule(this::onWatchdog, stallNanos - idle);
                return;
            }
            stalled = true;
            stallOwnsVerdict = ready();
            CanaryScheduler.LOG.warnf(
                    "Health check stall detected for %s: %d requests in flight, no token for %s; marking notready",
                    endpoint, busy, CanaryScheduler.seconds(Duration.ofNanos(idle)));
            owner.health.setCheckedEndpoint(endpoint, HealthStatus.NOT_READY);
        }
        owner.observer.stalled(endpoint);
    }

    /** A token or a successful request after a stall. */
    private void progressed() {
        synchronized (this) {
            if (!stalled || closed) {
                return;
            }
            stalled = false;
            if (stallOwnsVerdict) {
                stallOwnsVerdict = false;
                CanaryScheduler.LOG.infof(
                        "Health check stall cleared for %s: tokens flow again; marking ready", endpoint);
                owner.health.setCheckedEndpoint(endpoint, HealthStatus.READY);
            } else {
                // A failed canary made it not ready before the stall: only a canary undoes that.
                CanaryScheduler.LOG.infof("Health check stall cleared for %s: tokens flow again", endpoint);
            }
            armWatchdogIfBusy();
        }
    }

    private final class Request implements ActiveRequest {

        private final AtomicBoolean done = new AtomicBoolean();

        @Override
        public void tokenProduced() {
            lastProgress = owner.timer.nanoTime();
            if (stalled) {
                progressed();
            }
        }

        @Override
        public void succeeded() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            long now = owner.timer.nanoTime();
            lastProgress = now;
            lastSuccess = now;
            inFlight.decrementAndGet();
            if (CanaryScheduler.LOG.isDebugEnabled()) {
                CanaryScheduler.LOG.debugf(
                        ready()
                                ? "Activity detected for %s, resetting health check timer"
                                : "Activity detected for %s; not ready, so the health check timer keeps running",
                        endpoint);
            }
            if (stalled) {
                progressed();
            }
        }

        @Override
        public void ended() {
            if (done.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        }
    }

    private static void cancel(TaskTimer.Scheduled scheduled) {
        if (scheduled != null) {
            scheduled.cancel();
        }
    }
}
