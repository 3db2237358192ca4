package dev.vigil.frontend.routing;

import static dev.vigil.frontend.routing.RouterTest.A;
import static dev.vigil.frontend.routing.RouterTest.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vigil.frontend.metrics.FrontendMetrics;
import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.frontend.routing.FailurePolicy.AllBusy;
import dev.vigil.frontend.routing.FailurePolicy.Cut;
import dev.vigil.frontend.routing.FailurePolicy.Decision;
import dev.vigil.frontend.routing.FailurePolicy.Fail;
import dev.vigil.frontend.routing.FailurePolicy.Migrate;
import dev.vigil.frontend.routing.FailurePolicy.Retry;
import dev.vigil.runtime.transport.StreamError;

/** One request's decisions after failed attempts, against a router of two instances A and B. */
class FailurePolicyTest {

    final RouterTest cluster = new RouterTest();
    final Router router = cluster.router;
    final List<String> counted = new ArrayList<>();
    final FrontendMetrics metrics = new FrontendMetrics() {
        @Override
        public void migration(String model, String type) {
            counted.add("migration " + type);
        }

        @Override
        public void retry(String model, String outcome) {
            counted.add("retry " + outcome);
        }

        @Override
        public void busyAnswer(String model) {
            counted.add("busy");
        }

        @Override
        public void rejection(String model, String endpoint) {
            counted.add("rejection " + endpoint);
        }

        @Override
        public void maxSeqLenExceeded(String model) {
            counted.add("max_seq_len");
        }
    };

    FailurePolicyTest() {
        cluster.join(A);
        cluster.join(B);
    }

    FailurePolicy policy(int retries, int migrations, Integer maxSeqLen, RetryBudget budget) {
        return new FailurePolicy(
                new FailurePolicies.Settings(retries, 50, 1000, budget, migrations, maxSeqLen, 529),
                router,
                metrics,
                "m",
                "chat_completions",
                "req-1");
    }

    static RetryBudget plenty() {
        return new RetryBudget(1.0, 100, () -> 0L);
    }

    Attempt first() {
        return ((Admission.Routed) router.admit("m")).attempt();
    }

    static final StreamError DISCONNECTED = new StreamError.Disconnected("worker went away");

    @Test
    void aTransportFailureBeforeTheFirstTokenIsRetriedThenMigratedThenFails() {
        // Inhibition off: the failed instances stay candidates, so only the limits end the request.
        router.quarantine = new Quarantine(java.time.Duration.ZERO);
        FailurePolicy policy = policy(1, 1, null, plenty());
        Decision retry = policy.failed(first(), DISCONNECTED, 0);
        Retry backoff = assertInstanceOf(Retry.class, retry);
        assertTrue(backoff.delayMs() >= 1 && backoff.delayMs() <= 50, "jittered within the first ceiling");
        Attempt second = assertInstanceOf(Migrate.class, policy.afterBackoff()).next();
        Attempt third = assertInstanceOf(Migrate.class, policy.failed(second, DISCONNECTED, 0))
                .next();
        Fail fail = assertInstanceOf(Fail.class, policy.failed(third, DISCONNECTED, 0));
        assertEquals(new Fail(false, "Disconnected: worker went away"), fail);
        assertEquals(
                List.of(
                        "retry " + MetricNames.RETRIED,
                        "migration " + MetricNames.ONGOING_REQUEST,
                        "migration " + MetricNames.ONGOING_REQUEST),
                counted);
    }

    @Test
    void afterTheFirstTokenAFailureIsMigratedNotRetried() {
        FailurePolicy policy = policy(3, 1, null, plenty());
        Attempt attempt = first();
        Migrate migrate = assertInstanceOf(Migrate.class, policy.failed(attempt, DISCONNECTED, 5));
        // The failed instance is inhibited: the continuation goes to the other one.
        assertTrue(!migrate.next().instance().equals(attempt.instance()));
    }

    @Test
    void withMigrationOffAFailureAfterTheFirstTokenEndsTheRequest() {
        FailurePolicy policy = policy(3, 0, null, plenty());
        assertInstanceOf(Fail.class, policy.failed(first(), DISCONNECTED, 5));
        assertTrue(!policy.mayMigrate());
    }

    @Test
    void aSpentRetryBudgetMigratesInstead() {
        FailurePolicy policy = policy(3, 1, null, new RetryBudget(0.0, 0, () -> 0L));
        assertInstanceOf(Migrate.class, policy.failed(first(), DISCONNECTED, 0));
        assertEquals("retry " + MetricNames.BUDGET_EXHAUSTED, counted.get(0));
    }

    @Test
    void aSequenceLongerThanTheLimitIsNotMigrated() {
        FailurePolicy policy = policy(0, 3, 10, plenty());
        policy.sequenceLength(10);
        policy.sequenceLength(11);
        policy.sequenceLength(12);
        assertInstanceOf(Fail.class, policy.failed(first(), DISCONNECTED, 11));
        assertEquals(1, counted.stream().filter("max_seq_len"::equals).count(), "counted once");
    }

    @Test
    void aFullEngineSendsTheRequestElsewhereSpendingNothingUntilAllRefused() {
        FailurePolicy policy = policy(0, 0, null, plenty());
        StreamError busy = new StreamError.Busy("queue full");
        Attempt elsewhere =
                assertInstanceOf(Migrate.class, policy.failed(first(), busy, 0)).next();
        AllBusy all = assertInstanceOf(AllBusy.class, policy.failed(elsewhere, busy, 0));
        assertEquals(new AllBusy(529, 2, "queue full"), all);
        assertEquals(List.of("busy", "busy", "rejection chat_completions"), counted);
        // Busy is not dead: both instances may still be picked.
        assertTrue(router.eligibility(A.id()).candidate()
                && router.eligibility(B.id()).candidate());
    }

    @Test
    void anEngineErrorEndsTheRequestAsABackendError() {
        FailurePolicy policy = policy(3, 3, null, plenty());
        assertEquals(new Fail(true, "Backend error: boom"), policy.failed(first(), new StreamError.Backend("boom"), 0));
    }

    @Test
    void aClientTooSlowForItsBufferIsCut() {
        FailurePolicy policy = policy(3, 3, null, plenty());
        Cut cut = assertInstanceOf(Cut.class, policy.failed(first(), new StreamError.CallerTooSlow("buffer full"), 3));
        assertEquals(MetricNames.BUFFER_FULL, cut.reason());
        assertEquals(0, router.inFlight(A.id()) + router.inFlight(B.id()));
    }

    @Test
    void theBackoffCeilingDoublesUpToTheMaximum() {
        FailurePolicy policy = policy(10, 0, null, plenty());
        for (int n = 1; n <= 10; n++) {
            long ceiling = Math.min(1000, 50L << (n - 1));
            for (int i = 0; i < 50; i++) {
                long delay = policy.backoffMs(n);
                assertTrue(delay >= 0 && delay <= ceiling, "retry " + n + ": " + delay + " > " + ceiling);
            }
        }
    }
}
