package dev.vigil.frontend.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RetryAfterEstimateTest {

    private static final long SECOND = 1_000_000_000L;

    private final RetryAfterEstimate estimate = new RetryAfterEstimate();

    @Test
    void beforeAnyRequestWasServedTheAnswerIsOneSecond() {
        assertEquals(1, estimate.seconds(500, 1));
    }

    @Test
    void aNewcomerWaitsForTheQueueAheadToDrainThroughTheRunningSlots() {
        estimate.served(2 * SECOND);
        // Alone in line behind one running request of 2 s.
        assertEquals(2, estimate.seconds(0, 1));
        // Fifth in line for two slots, each freeing every 2 s: 5 × 2 / 2.
        assertEquals(5, estimate.seconds(4, 2));
        // Quick requests round up to the least.
        RetryAfterEstimate quick = new RetryAfterEstimate();
        quick.served(SECOND / 50);
        assertEquals(1, quick.seconds(3, 1));
    }

    @Test
    void theAnswerIsBoundedToOneMinute() {
        estimate.served(30 * SECOND);
        assertEquals(60, estimate.seconds(1_000, 1));
        assertEquals(60, estimate.seconds(Long.MAX_VALUE / 2, 0));
    }

    @Test
    void theMeanFollowsRecentRequests() {
        estimate.served(10 * SECOND);
        assertEquals(5, estimate.seconds(0, 2));
        for (int i = 0; i < 100; i++) {
            estimate.served(SECOND);
        }
        // The mean is a hair over 1 s now: half of it for each of two slots rounds up to 1.
        assertEquals(1, estimate.seconds(0, 2));
    }
}
