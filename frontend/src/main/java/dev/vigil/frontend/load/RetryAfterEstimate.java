package dev.vigil.frontend.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code Retry-After} of the overload answer, from the queue rather than a constant: how long
 * until a slot is likely free for a request that would join the workers' queues now. With {@code
 * running} requests in their engines, {@code waiting} queued ahead (both from the load the workers
 * publish) and {@code D} the recent mean time an attempt holds a worker, a slot frees about every
 * {@code D / running}, and a newcomer is {@code waiting + 1}-th in line: {@code (waiting + 1) × D /
 * running}, rounded up, held to {@value #MIN_SECS}..{@value #MAX_SECS} s. Before any request was
 * served there is no {@code D}, and the answer is {@value #MIN_SECS}. Thread-safe.
 */
public final class RetryAfterEstimate {

    /** The least a client is told to wait: what Vigil answered before it estimated. */
    public static final int MIN_SECS = 1;
    /** The most: past a minute a client is better off failing over than waiting on this estimate. */
    public static final int MAX_SECS = 60;
    /** Weight of the newest duration in the running mean: about the last ten requests count. */
    static final double WEIGHT = 0.1;

    /** Mean nanoseconds an attempt held its worker; 0 until one was served. */
    private final AtomicLong meanNanos = new AtomicLong();

    /** An attempt was served to its end in {@code nanos}. */
    public void served(long nanos) {
        long sample = Math.max(1, nanos);
        meanNanos.accumulateAndGet(
                sample, (mean, x) -> mean == 0 ? x : Math.max(1, Math.round(mean + WEIGHT * (x - mean))));
    }

    /**
     * @param waiting requests queued at the workers, summed ({@code queue_depth})
     * @param running requests in their engines, summed ({@code active_sequences})
     */
    public int seconds(long waiting, long running) {
        long mean = meanNanos.get();
        if (mean == 0) {
            return MIN_SECS;
        }
        double secs = (Math.max(0, waiting) + 1) * (mean / 1e9) / Math.max(1, running);
        return (int) Math.max(MIN_SECS, Math.min(MAX_SECS, Math.ceil(secs)));
    }
}
