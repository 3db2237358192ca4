package dev.vigil.runtime.discovery.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * Keeps the primary lease alive, and says so when it cannot.
 *
 * <p>It renews every TTL/3 with {@code keepAliveOnce} on a thread of its own, so a busy application
 * cannot delay a renewal (Dynamo renews at about half the remaining TTL; a third leaves room for two
 * retries). It tracks the deadline the lease is sure to live until: the time a successful renewal was
 * <em>sent</em> plus the TTL etcd answered. A renewal that fails is retried quickly, which is how a
 * short etcd outage is survived. The lease is lost when etcd says it is gone (TTL 0, "lease not
 * found") or the deadline passes without a renewal; then the lease-lost callbacks run, each once, and
 * nothing is renewed or re-granted: the keys are gone and the application decides how to stop.
 *
 * <p>With a {@link Replacement} ({@code DYN_ETCD_LEASE_LOSS=reregister}) nothing is ever lost: past
 * the deadline the keeper goes on asking etcd. If the lease survived (an etcd restart keeps leases
 * and refreshes their TTL) renewals simply resume; if etcd says it is gone, the keeper grants a new
 * one and has the replacement register everything again under it, then renews that one.
 */
final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    /** After a failed renewal: soon, to win the race with the deadline, but not in a tight loop. */
    private static final long RETRY_MILLIS = 250;

    /** Registers everything again under a new lease, after etcd dropped the old one. */
    interface Replacement {
        /**
         * @throws RuntimeException when etcd cannot take the registrations now; the keeper retries
         */
        void reregister(long newLeaseId);
    }

    private final Lease lease;
    private final long ttlSeconds;
    private final Replacement replacement; // null: Dynamo's behaviour, a lost lease is final
    private final InstanceId instanceId;
    private final long intervalMillis;
    private final ScheduledExecutorService thread;
    private final Clock clock;

    // Written only by the keep-alive thread.
    private volatile long leaseId;
    private long deadlineNanos;
    private boolean lapsed;
    private int failures;
    private String lastError = "none";
    private volatile long renewals; // read by tests

    // Guarded by this.
    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean lost;
    private boolean stopped;

    /**
     * @param grantSentNanos {@link Clock#SYSTEM}'s {@link Clock#nanoTime()} just before the grant was sent
     * @param ttlSeconds the TTL etcd granted
     */
    LeaseKeeper(Lease lease, long leaseId, long ttlSeconds, long grantSentNanos) {
        this(lease, leaseId, ttlSeconds, grantSentNanos, null, Clock.SYSTEM);
    }

    /**
     * @param grantSentNanos {@code clock}'s {@link Clock#nanoTime()} just before the grant was sent
     * @param replacement when not null, a lease etcd dropped is replaced instead of lost
     * @param clock what the deadline and the renewal times are measured on
     */
    LeaseKeeper(Lease lease, long leaseId, long ttlSeconds, long grantSentNanos, Replacement replacement, Clock clock) {
        this.lease = lease;
        this.clock = clock;
        this.leaseId = leaseId;
        this.ttlSeconds = ttlSeconds;
        this.replacement = replacement;
        this.instanceId = new InstanceId(leaseId);
        this.intervalMillis = Math.max(1, TimeUnit.SECONDS.toMillis(ttlSeconds) / 3);
        this.deadlineNanos = grantSentNanos + TimeUnit.SECONDS.toNanos(ttlSeconds);
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(1, Threads.daemon("vigil-etcd-keepalive-" + instanceId.hex()));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = Executors.unconfigurableScheduledExecutorService(executor);
    }

    void start() {
        schedule(nextRenewalMillis());
    }

    /**
     * Every TTL/3, but sooner when less than a TTL is left before the deadline: a grant that took
     * seconds to answer (a first gRPC call on a loaded machine) leaves less of the TTL than usual,
     * and the renewal must still come with time to spare.
     */
    long nextRenewalMillis() {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - clock.nanoTime());
        return Math.max(0, Math.min(intervalMillis, left / 3));
    }

    /** Runs {@code callback} once when the lease is lost; at once (on a new thread) if it already is. */
    void onLost(Runnable callback) {
        synchronized (this) {
            if (!lost) {
                callbacks.add(callback);
                return;
            }
        }
        runCallbacks(List.of(callback));
    }

    /** The lease renewed now: the first one, or the one that replaced it. */
    long leaseId() {
        return leaseId;
    }

    /** How many renewals succeeded so far. */
    long renewals() {
        return renewals;
    }

    synchronized boolean isLost() {
        return lost;
    }

    /** Stops renewing, without running callbacks: the process is closing. */
    void stop() {
        synchronized (this) {
            stopped = true;
            callbacks.clear();
        }
        thread.shutdownNow();
    }

    private void schedule(long delayMillis) {
        synchronized (this) {
            if (stopped || lost) {
                return;
            }
            thread.schedule(this::renew, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized boolean running() {
        return !stopped && !lost;
    }

    private void renew() {
        if (!running()) {
            return;
        }
        long sent = clock.nanoTime();
        long remaining = deadlineNanos - sent;
        if (remaining <= 0 && !lapsed) {
            if (replacement == null && failures > 0) {
                lose("not renewed within its TTL; last error: " + lastError);
                return;
            }
            if (failures == 0) {
                // No renewal was even tried before the deadline: this process was starved (a slow
                // start on a loaded machine, a long pause), not cut off from etcd. The deadline is
                // our cautious estimate; etcd knows whether the lease still lives, so ask it once.
                LOG.warnf(
                        "Lease %s renewal is %d ms past its deadline (this process was held up); asking etcd",
                        instanceId, TimeUnit.NANOSECONDS.toMillis(-remaining));
            }
            if (replacement == null) {
                remaining = 0; // one interval for etcd's answer, below; no answer is a loss
            } else {
                lapsed = true;
                LOG.warnf(
                        "Lease %s not renewed within its TTL (last error: %s); serving on and asking etcd until"
                                + " it answers (DYN_ETCD_LEASE_LOSS=reregister)",
                        instanceId, lastError);
            }
        }
        // Wait for etcd's answer until the deadline, and at least one interval: an answer that comes
        // a little after our cautious deadline still says the lease lives (past the deadline only
        // etcd can say). A silent etcd is a loss at most one interval after the deadline.
        long wait = Math.max(remaining, TimeUnit.MILLISECONDS.toNanos(intervalMillis));
        try {
            LeaseKeepAliveResponse response = lease.keepAliveOnce(leaseId).get(wait, TimeUnit.NANOSECONDS);
            if (response.getTTL() <= 0) {
                expired();
                return;
            }
            deadlineNanos = sent + TimeUnit.SECONDS.toNanos(response.getTTL());
            renewals++;
            if (failures > 0) {
                LOG.infof("Lease %s renewed again after %d failed attempts", instanceId, failures);
            }
            failures = 0;
            lapsed = false;
            schedule(nextRenewalMillis());
        } catch (ExecutionException e) {
            if (Calls.isLeaseNotFound(e.getCause())) {
                expired();
                return;
            }
            failed(Calls.describe(e.getCause()));
        } catch (TimeoutException e) {
            failed("no answer from etcd");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop() interrupts a renewal in flight
        } catch (RuntimeException e) {
            failed(Calls.describe(e));
        }
    }

    private void failed(String error) {
        failures++;
        lastError = error;
        long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - clock.nanoTime()));
        if (lapsed) {
            // Said once already: during a long outage this would repeat four times a second.
            LOG.debugf("Lease %s renewal failed (%s); retrying", instanceId, error);
            schedule(RETRY_MILLIS);
            return;
        }
        LOG.warnf("Lease %s renewal failed (%s); retrying, it expires in %d ms", instanceId, error, left);
        schedule(replacement == null ? Math.min(RETRY_MILLIS, left) : RETRY_MILLIS);
    }

    /** etcd says the lease is gone: lost, or replaced when a replacement is configured. */
    private void expired() {
        if (replacement == null) {
            lose("etcd reports it expired");
            return;
        }
        long sent = clock.nanoTime();
        long fresh;
        try {
            fresh = lease.grant(ttlSeconds)
                    .get(TimeUnit.MILLISECONDS.toNanos(intervalMillis), TimeUnit.NANOSECONDS)
                    .getID();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failed("granting a new lease: "
                    + (e instanceof ExecutionException ? Calls.describe(e.getCause()) : Calls.describe(e)));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            replacement.reregister(fresh);
        } catch (RuntimeException e) {
            // The new lease expires by itself; the next attempt grants another one.
            failed("registering again under lease " + Long.toHexString(fresh) + ": " + Calls.describe(e));
            return;
        }
        LOG.warnf("Lease %s was dropped by etcd; registered again under lease %s", instanceId, Long.toHexString(fresh));
        leaseId = fresh;
        deadlineNanos = sent + TimeUnit.SECONDS.toNanos(ttlSeconds);
        failures = 0;
        lapsed = false;
        renewals++;
        schedule(nextRenewalMillis());
    }

    private void lose(String why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (lost || stopped) {
                return;
            }
            lost = true;
            toRun = List.copyOf(callbacks);
            callbacks.clear();
        }
        LOG.warnf("Lease %s lost: %s", instanceId, why);
        LOG.error("Unable to maintain lease. Check etcd server status");
        thread.shutdown();
        runCallbacks(toRun);
    }

    /**
     * On a thread of their own: a callback may close the discovery, which stops this keeper, and
     * must not wait for the thread it runs on.
     */
    private void runCallbacks(List<Runnable> toRun) {
        if (toRun.isEmpty()) {
            return;
        }
        Threads.startDaemon("vigil-etcd-lease-lost-" + instanceId.hex(), () -> {
            for (Runnable callback : toRun) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "A lease-lost callback failed");
                }
            }
        });
    }
}
