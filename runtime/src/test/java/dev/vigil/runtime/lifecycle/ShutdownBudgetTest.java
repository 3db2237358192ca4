package dev.vigil.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.time.ManualClock;

/** One budget, shared by the stages, with a reserve for cleanup; on a clock the test moves. */
class ShutdownBudgetTest {

    final ManualClock clock = new ManualClock();

    ShutdownBudget budget(int totalSecs, int cleanupSecs) {
        return ShutdownBudget.start(Duration.ofSeconds(totalSecs), Duration.ofSeconds(cleanupSecs), clock);
    }

    void pass(int secs) {
        clock.advance(Duration.ofSeconds(secs));
    }

    @Test
    void aStageGetsItsCapWhileTheBudgetAllows() {
        ShutdownBudget budget = budget(30, 5);
        assertEquals(Duration.ofSeconds(5), budget.allowance(Optional.of(Duration.ofSeconds(5))));
        assertEquals(Duration.ofSeconds(25), budget.allowance(Optional.empty()), "uncapped: all but the reserve");
    }

    @Test
    void laterStagesGetWhatEarlierOnesLeft() {
        ShutdownBudget budget = budget(30, 5);
        pass(5);
        assertEquals(Duration.ofSeconds(20), budget.allowance(Optional.of(Duration.ofSeconds(60))));
        pass(20);
        assertEquals(Duration.ZERO, budget.allowance(Optional.empty()), "only the cleanup reserve is left");
        assertEquals(Duration.ofSeconds(5), budget.cleanupAllowance());
        pass(3);
        assertEquals(Duration.ofSeconds(2), budget.cleanupAllowance());
        pass(10);
        assertEquals(Duration.ZERO, budget.remaining());
        assertEquals(Duration.ZERO, budget.cleanupAllowance());
    }

    @Test
    void aReserveLargerThanTheTotalIsTheTotal() {
        ShutdownBudget budget = budget(3, 10);
        assertEquals(Duration.ZERO, budget.allowance(Optional.empty()));
        assertEquals(Duration.ofSeconds(3), budget.cleanupAllowance());
    }
}
