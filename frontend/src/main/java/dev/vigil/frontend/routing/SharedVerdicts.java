package dev.vigil.frontend.routing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

import dev.vigil.frontend.config.RouterConfig;
import dev.vigil.frontend.metrics.SharedVerdictMetrics;
import dev.vigil.runtime.Threads;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.model.HealthVerdict;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * One view of a worker's health across frontends. What this frontend learns from its own requests
 * (it could not reach a worker, or the worker's circuit opened) it writes to discovery as a {@link
 * HealthVerdict}; what the other frontends wrote keeps the worker out of this one's routing too,
 * without it having to fail a request first.
 *
 * <p>Bounded and expiring, so no frontend can poison the others: a verdict is honoured for its own
 * TTL (the reporter's inhibition or circuit timeout) from when this frontend saw it, and never
 * longer than {@link #MAX_TTL}; it vanishes at once when its reporter withdraws it or dies (the key
 * lives under the reporter's lease); a worker excluded only by peers is still a fail-open target.
 * Writes go through one thread with a queue of {@link #QUEUE} and never block a request: when the
 * queue is full a verdict is dropped and counted. A verdict already shared is not written again
 * until half its TTL has passed.
 */
@ApplicationScoped
public class SharedVerdicts {

    private static final Logger LOG = Logger.getLogger(SharedVerdicts.class);

    /** The longest any verdict keeps a worker out here, whatever its reporter says. */
    public static final Duration MAX_TTL = Duration.ofSeconds(60);
    /** Verdict writes (and withdrawals) waiting for etcd at most. */
    static final int QUEUE = 64;
    /** Verdicts from others remembered at most (one per worker and reporter). */
    static final int MAX_SEEN = 4096;

    @Inject
    Discovery discovery;

    @Inject
    RouterConfig config;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry registry;

    /** A verdict of another frontend, and when this frontend stops honouring it. */
    private record Seen(HealthVerdict verdict, long untilNanos) {}

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** This frontend's own verdicts: when each was written, and when it is withdrawn. */
    private final Map<InstanceId, long[]> own = new ConcurrentHashMap<>();

    private ScheduledThreadPoolExecutor writer;
    private SharedVerdictMetrics metrics;

    @PostConstruct
    void create() {
        metrics = new SharedVerdictMetrics(registry);
        writer = new ScheduledThreadPoolExecutor(1, Threads.daemon("vigil-shared-verdicts"));
        writer.setRemoveOnCancelPolicy(true);
    }

    @PreDestroy
    void stop() {
        writer.shutdownNow();
    }

    public boolean enabled() {
        return config.sharedHealth();
    }

    /** This frontend keeps {@code worker} out for {@code ttl} because of {@code why}: tell the others. */
    public void share(InstanceId worker, Exclusion why, Duration ttl) {
        if (!enabled() || ttl.isZero() || ttl.isNegative()) {
            return;
        }
        long now = clock.nanoTime();
        long[] previous = own.get(worker);
        if (previous != null && now - previous[0] < ttl.toNanos() / 2) {
            return; // shared recently; the others still honour it
        }
        own.put(worker, new long[] {now, now + ttl.toNanos()});
        HealthVerdict verdict = new HealthVerdict(worker, discovery.instanceId(), why.wireName(), ttl);
        if (!submit(() -> {
            discovery.publishVerdict(verdict);
            metrics.published.increment();
        })) {
            own.remove(worker);
            return;
        }
        // Withdrawn when it lapses, so a frontend started later does not read a stale one.
        writer.schedule(() -> withdrawIfLapsed(worker), ttl.toMillis() + 1, TimeUnit.MILLISECONDS);
    }

    private void withdrawIfLapsed(InstanceId worker) {
        long[] mine = own.get(worker);
        if (mine != null && clock.nanoTime() - mine[1] >= 0) {
            own.remove(worker, mine);
            run(() -> discovery.withdrawVerdict(worker));
        }
    }

    private boolean submit(Runnable write) {
        if (writer.getQueue().size() >= QUEUE) {
            metrics.dropped.increment();
            LOG.debugf("Shared verdict dropped: %d writes already waiting", QUEUE);
            return false;
        }
        writer.execute(() -> run(write));
        return true;
    }

    private static void run(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            LOG.debugf("Shared verdict not written: %s", e.getMessage());
        }
    }

    /** Every verdict in discovery now (from the discovery feed). */
    public void update(Map<String, HealthVerdict> current) {
        if (!enabled()) {
            return;
        }
        InstanceId self = discovery.instanceId();
        long now = clock.nanoTime();
        Map<String, Seen> next = new HashMap<>();
        for (Map.Entry<String, HealthVerdict> entry : current.entrySet()) {
            HealthVerdict verdict = entry.getValue();
            if (verdict.reporter().equals(self) || next.size() >= MAX_SEEN) {
                continue;
            }
            Seen before = seen.get(entry.getKey());
            if (before != null && before.verdict().equals(verdict)) {
                next.put(entry.getKey(), before); // the same verdict: its clock keeps running
                continue;
            }
            Duration ttl = verdict.ttl().compareTo(MAX_TTL) > 0 ? MAX_TTL : verdict.ttl();
            next.put(entry.getKey(), new Seen(verdict, now + ttl.toNanos()));
            metrics.received.increment();
            LOG.infof(
                    "Frontend %s reports worker %s %s for %d ms",
                    verdict.reporter().hex(), verdict.worker().hex(), verdict.exclusion(), ttl.toMillis());
        }
        seen.keySet().retainAll(next.keySet());
        seen.putAll(next);
    }

    /** Another frontend's verdict that keeps {@code worker} out now, if any. */
    public Optional<HealthVerdict> against(InstanceId worker) {
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.nanoTime();
        for (Seen s : seen.values()) {
            if (s.verdict().worker().equals(worker) && now - s.untilNanos() < 0) {
                return Optional.of(s.verdict());
            }
        }
        return Optional.empty();
    }

    /** How long from now a verdict against {@code worker} is still honoured (zero when none is). */
    public Duration remaining(InstanceId worker) {
        long now = clock.nanoTime();
        long longest = 0;
        for (Seen s : seen.values()) {
            if (s.verdict().worker().equals(worker)) {
                longest = Math.max(longest, s.untilNanos() - now);
            }
        }
        return Duration.ofNanos(Math.max(0, longest));
    }

    /** Forgets this frontend's own verdicts on workers discovery no longer lists. */
    public void retainOnly(Set<InstanceId> live) {
        own.keySet().retainAll(live);
    }
}
