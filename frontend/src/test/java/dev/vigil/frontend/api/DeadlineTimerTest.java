package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.time.ManualClock;

class DeadlineTimerTest {

    /** Timers run by hand: {@link #runDue} runs every timer set so far that was not cancelled. */
    private static final class HandTimers implements DeadlineTimer.Timers {
        final List<Runnable> tasks = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();
        final Set<Long> cancelled = new HashSet<>();

        @Override
        public long set(long delayMs, Runnable task) {
            tasks.add(task);
            delays.add(delayMs);
            return tasks.size() - 1;
        }

        @Override
        public void cancel(long id) {
            cancelled.add(id);
        }

        void runDue() {
            int count = tasks.size();
            for (int i = 0; i < count; i++) {
                if (!cancelled.contains((long) i)) {
                    cancelled.add((long) i);
                    tasks.get(i).run();
                }
            }
        }
    }

    private final ManualClock clock = new ManualClock();
    private final HandTimers timers = new HandTimers();
    private final AtomicInteger expiries = new AtomicInteger();

    @Test
    void firesOnceTheClockPassesTheDeadline() {
        DeadlineTimer deadline = DeadlineTimer.after(clock, clock.nanoTime(), Duration.ofMillis(2500));
        deadline.arm(timers, expiries::incrementAndGet);
        assertEquals(List.of(2500L), timers.delays);

        // The timer ran early by the clock: it re-arms for what is left.
        clock.advance(Duration.ofMillis(2000));
        timers.runDue();
        assertEquals(0, expiries.get());
        assertFalse(deadline.passed());
        assertEquals(500L, timers.delays.get(1));

        clock.advance(Duration.ofMillis(500));
        assertTrue(deadline.passed());
        timers.runDue();
        assertEquals(1, expiries.get());
        timers.runDue();
        assertEquals(1, expiries.get());
    }

    @Test
    void countsFromTheRequestsArrival() {
        long arrived = clock.nanoTime();
        clock.advance(Duration.ofMillis(900));
        DeadlineTimer deadline = DeadlineTimer.after(clock, arrived, Duration.ofSeconds(1));
        deadline.arm(timers, expiries::incrementAndGet);
        assertEquals(List.of(100L), timers.delays);
    }

    @Test
    void aCancelledDeadlineNeverFires() {
        DeadlineTimer deadline = DeadlineTimer.after(clock, clock.nanoTime(), Duration.ofSeconds(1));
        deadline.arm(timers, expiries::incrementAndGet);
        deadline.cancel();
        assertTrue(timers.cancelled.contains(0L));
        clock.advance(Duration.ofSeconds(2));
        timers.tasks.get(0).run();
        assertEquals(0, expiries.get());
    }

    @Test
    void noDeadlineArmsNothingAndNeverPasses() {
        DeadlineTimer none = DeadlineTimer.after(clock, clock.nanoTime(), Duration.ZERO);
        none.arm(timers, expiries::incrementAndGet);
        none.cancel();
        clock.advance(Duration.ofDays(365));
        assertFalse(none.passed());
        assertTrue(timers.tasks.isEmpty());
    }
}
