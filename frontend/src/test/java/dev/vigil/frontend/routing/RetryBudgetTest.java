package dev.vigil.frontend.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Retries stay within a fraction of recent requests plus a small floor, over a 10 s window. */
class RetryBudgetTest {

    final AtomicLong second = new AtomicLong(1_000);

    int retriesAllowed(RetryBudget budget) {
        int n = 0;
        while (budget.tryRetry()) {
            n++;
        }
        return n;
    }

    @Test
    void aFractionOfTheRequestsPlusTheFloor() {
        RetryBudget budget = new RetryBudget(0.2, 1, second::get);
        for (int i = 0; i < 100; i++) {
            budget.request();
        }
        // 20 % of 100, plus 1 per second over the 10 s window.
        assertEquals(30, retriesAllowed(budget));
    }

    @Test
    void underAFullOutageRetriesStayAtTheFraction() {
        RetryBudget budget = new RetryBudget(0.2, 0, second::get);
        int requests = 0;
        int retried = 0;
        // Every request fails and asks for a retry, for 30 s at 50 requests a second.
        for (int s = 0; s < 30; s++) {
            for (int i = 0; i < 50; i++) {
                budget.request();
                requests++;
                if (budget.tryRetry()) {
                    retried++;
                }
            }
            second.incrementAndGet();
        }
        assertTrue(retried <= 0.2 * requests, retried + " retries for " + requests + " requests");
        assertTrue(retried >= 0.15 * requests, "the budget is used, not starved: " + retried);
    }

    @Test
    void theBudgetRefillsAsTheWindowMoves() {
        RetryBudget budget = new RetryBudget(0.0, 1, second::get);
        assertEquals(10, retriesAllowed(budget));
        assertFalse(budget.tryRetry());
        second.addAndGet(11);
        assertEquals(10, retriesAllowed(budget));
    }
}
