package dev.vigil.frontend.routing;

import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.vigil.frontend.config.RetryConfig;
import dev.vigil.runtime.time.Clock;

/**
 * How many retries this frontend may send: over the last {@link #WINDOW_SECONDS} seconds, at most
 * {@code DYN_RETRY_BUDGET_RATIO} of the requests plus {@code DYN_RETRY_BUDGET_MIN_PER_SEC} per
 * second (Finagle's retry budget). When every worker fails, retries stop at that fraction instead of
 * multiplying the load.
 */
@ApplicationScoped
public class RetryBudget {

    static final int WINDOW_SECONDS = 10;

    private final double ratio;
    private final int minPerSecond;
    private final LongSupplier seconds;
    private final long[] bucketSecond = new long[WINDOW_SECONDS];

    {
        // No bucket has counted any second yet.
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE / 2);
    }

    private final long[] requests = new long[WINDOW_SECONDS];
    private final long[] retries = new long[WINDOW_SECONDS];

    @Inject
    public RetryBudget(RetryConfig config, Clock clock) {
        this(config.budgetRatio(), config.budgetMinPerSec(), () -> clock.nanoTime() / 1_000_000_000L);
    }

    RetryBudget(double ratio, int minPerSecond, LongSupplier seconds) {
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.seconds = seconds;
    }

    /** A request was admitted: it adds to what may be retried. */
    public synchronized void request() {
        requests[bucket()]++;
    }

    /** Takes one retry from the budget; false, and nothing taken, when it is spent. */
    public synchronized boolean tryRetry() {
        int now = bucket();
        long second = bucketSecond[now];
        long requestSum = 0;
        long retrySum = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            // A bucket last written more than a window ago counts nothing.
            if (second - bucketSecond[i] < WINDOW_SECONDS) {
                requestSum += requests[i];
                retrySum += retries[i];
            }
        }
        if (retrySum + 1 > (long) minPerSecond * WINDOW_SECONDS + ratio * requestSum) {
            return false;
        }
        retries[now]++;
        return true;
    }

    /** The current second's bucket, emptied first if it last counted an older second. */
    private int bucket() {
        long second = seconds.getAsLong();
        int index = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
        if (bucketSecond[index] != second) {
            requests[index] = 0;
            retries[index] = 0;
            bucketSecond[index] = second;
        }
        return index;
    }
}
