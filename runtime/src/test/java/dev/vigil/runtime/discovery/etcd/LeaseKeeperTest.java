package dev.vigil.runtime.discovery.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;

import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.ManualClock;
import dev.vigil.testing.LogCapture;

/**
 * The keeper's deadline is a cautious estimate (when the last renewal was sent, plus the TTL). These
 * are the cases where that estimate has passed before the keeper could even try to renew, as when a
 * worker starts on a loaded machine and its first gRPC call to etcd takes most of a short TTL: then
 * etcd's own answer decides, and only a silent or negative etcd loses the lease.
 */
class LeaseKeeperTest {

    private static final long LEASE_ID = 0x6be2a24e3f6a9509L;
    private static final long TTL_SECS = 3;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private LeaseKeeper keeper;

    @AfterEach
    void stop() {
        if (keeper != null) {
            keeper.stop();
        }
    }

    /** A grant sent longer ago than its TTL: the deadline has passed before the first renewal. */
    private LeaseKeeper starved(Lease lease) {
        long grantSent = System.nanoTime() - TimeUnit.SECONDS.toNanos(TTL_SECS + 2);
        keeper = new LeaseKeeper(lease, LEASE_ID, TTL_SECS, grantSent);
        return keeper;
    }

    /** A lease client whose keepAliveOnce answers what {@code answer} gives; counts the calls. */
    private static Lease etcd(AtomicInteger calls, Supplier<CompletableFuture<LeaseKeepAliveResponse>> answer) {
        return (Lease) Proxy.newProxyInstance(Lease.class.getClassLoader(), new Class<?>[] {Lease.class}, (p, m, a) -> {
            if (m.getName().equals("keepAliveOnce")) {
                calls.incrementAndGet();
                return answer.get();
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static CompletableFuture<LeaseKeepAliveResponse> ttl(long ttl) {
        return CompletableFuture.completedFuture(
                new LeaseKeepAliveResponse(io.etcd.jetcd.api.LeaseKeepAliveResponse.newBuilder()
                        .setID(LEASE_ID)
                        .setTTL(ttl)
                        .build()));
    }

    @Test
    void aRenewalThatComesLateAsksEtcdAndKeepsTheLeaseEtcdStillHas() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        try (LogCapture log = LogCapture.of(LeaseKeeper.class)) {
            LeaseKeeper keeper = starved(etcd(calls, () -> ttl(TTL_SECS)));
            keeper.onLost(lost::incrementAndGet);
            keeper.start();

            await().atMost(WAIT).until(() -> keeper.renewals() >= 2);
            assertFalse(keeper.isLost());
            assertEquals(0, lost.get());
            assertTrue(
                    log.has("WARN", "Lease " + new InstanceId(LEASE_ID).hex() + " renewal is "),
                    log.lines().toString());
        }
    }

    @Test
    void aRenewalThatComesLateToAnEtcdThatDoesNotAnswerLosesTheLease() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        LeaseKeeper keeper = starved(etcd(calls, CompletableFuture::new)); // never answers
        keeper.onLost(lost::incrementAndGet);
        keeper.start();

        await().atMost(WAIT).until(() -> lost.get() == 1);
        assertTrue(keeper.isLost());
        assertEquals(0, keeper.renewals());
        // Asked once and given one interval to answer: no answer is a failure, and a failure past
        // the deadline is the loss.
        assertEquals(1, calls.get());
    }

    @Test
    void aRenewalThatComesLateToAnEtcdThatDroppedTheLeaseLosesIt() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        LeaseKeeper keeper = starved(etcd(calls, () -> ttl(0)));
        keeper.onLost(lost::incrementAndGet);
        keeper.start();

        await().atMost(WAIT).until(() -> lost.get() == 1);
        assertEquals(1, calls.get());
        assertEquals(0, keeper.renewals());
    }

    @Test
    void aGrantThatAnsweredLateIsRenewedSoonerAndEtcdGetsAnIntervalToAnswer() {
        // What a worker starting beside other test clusters on a loaded box saw: the grant took 2 of
        // the 3 s TTL, so a renewal one interval (1 s) after it came with ~50 ms left, waited only
        // those for an answer that took longer, and gave up a lease etcd still had.
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        ScheduledExecutorService slowEtcd = Executors.newSingleThreadScheduledExecutor();
        try {
            Lease lease = etcd(calls, () -> {
                CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
                slowEtcd.schedule(() -> answer.complete(ttl(TTL_SECS).join()), 600, TimeUnit.MILLISECONDS);
                return answer;
            });
            // 1.3 s of the TTL left: a renewal one interval later would have 0.3 s for a 0.6 s answer.
            long grantSent = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(TTL_SECS * 1000 - 1300);
            keeper = new LeaseKeeper(lease, LEASE_ID, TTL_SECS, grantSent);
            keeper.onLost(lost::incrementAndGet);
            keeper.start();

            await().atMost(WAIT).until(() -> keeper.renewals() >= 3);
            assertEquals(0, lost.get());
            assertFalse(keeper.isLost());
        } finally {
            slowEtcd.shutdownNow();
        }
    }

    @Test
    void aFailedRenewalBeforeTheDeadlineStillLosesTheLeaseAtTheDeadlineWithoutWaitingForEtcd() {
        // The outage case, unchanged: renewals fail while the deadline approaches, and once it has
        // passed the lease is lost at the next attempt instead of asking etcd yet again.
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        keeper = new LeaseKeeper(
                etcd(calls, () -> CompletableFuture.failedFuture(new IllegalStateException("UNAVAILABLE"))),
                LEASE_ID,
                TTL_SECS,
                System.nanoTime());
        keeper.onLost(lost::incrementAndGet);
        keeper.start();

        await().atMost(WAIT).until(() -> lost.get() == 1);
        assertEquals(0, keeper.renewals());
        assertTrue(calls.get() >= 2, "retried before the deadline: " + calls.get());
    }

    @Test
    void renewalsComeEveryThirdOfTheTtlAndSoonerAsTheDeadlineNears() {
        ManualClock clock = new ManualClock();
        keeper = new LeaseKeeper(null, LEASE_ID, 9, clock.nanoTime(), null, clock);
        assertEquals(3000, keeper.nextRenewalMillis(), "a fresh lease: TTL/3");
        clock.advance(Duration.ofSeconds(6));
        assertEquals(1000, keeper.nextRenewalMillis(), "3 s left: a third of it");
        clock.advance(Duration.ofMillis(2999));
        assertEquals(0, keeper.nextRenewalMillis(), "1 ms left: at once");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0, keeper.nextRenewalMillis(), "past the deadline: at once, never a negative delay");
    }

    @Test
    void howLateAStarvedRenewalIsComesFromTheClock() {
        // The deadline passed 2 s before the keeper could try: on a clock the test moves, the warning
        // says exactly how late, and the lease etcd still has is kept.
        ManualClock clock = new ManualClock();
        AtomicInteger calls = new AtomicInteger();
        try (LogCapture log = LogCapture.of(LeaseKeeper.class)) {
            long grantSent = clock.nanoTime();
            clock.advance(Duration.ofSeconds(TTL_SECS + 2));
            keeper = new LeaseKeeper(etcd(calls, () -> ttl(TTL_SECS)), LEASE_ID, TTL_SECS, grantSent, null, clock);
            keeper.start();

            await().atMost(WAIT).until(() -> keeper.renewals() >= 1);
            assertFalse(keeper.isLost());
            assertTrue(
                    log.has(
                            "WARN",
                            "Lease " + new InstanceId(LEASE_ID).hex()
                                    + " renewal is 2000 ms past its deadline (this process was held up)"),
                    log.lines().toString());
            assertEquals(1000, keeper.nextRenewalMillis(), "renewed: a full TTL from when it was sent, TTL/3 away");
        }
    }
}
