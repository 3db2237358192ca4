package dev.vigil.worker.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.time.ManualClock;
import dev.vigil.worker.admission.AdmissionQueue.Rejection;
import dev.vigil.worker.admission.AdmissionQueue.Settings;
import dev.vigil.worker.admission.AdmissionQueue.Ticket;

class AdmissionQueueTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    /** What happened, in order: "start a", "refuse b queue_full". */
    private final List<String> events = new ArrayList<>();

    private final List<Long> waits = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final AdmissionQueue.Listener listener = new AdmissionQueue.Listener() {
        @Override
        public void admitted(long waitedNanos) {
            waits.add(waitedNanos);
        }

        @Override
        public void rejected(Rejection rejection) {
            rejections.add(rejection);
        }
    };

    private final List<Ticket> started = new ArrayList<>();

    private AdmissionQueue queue(int slots, int size) {
        return new AdmissionQueue(new Settings(slots, size, TIMEOUT), clock, AdmissionQueue.Timer.NONE, listener);
    }

    private Ticket submit(AdmissionQueue queue, String name, int priority) {
        return queue.submit(
                priority,
                ticket -> {
                    events.add("start " + name);
                    started.add(ticket);
                },
                rejection -> events.add("refuse " + name + " " + rejection.label()));
    }

    @Test
    void aFreeSlotStartsTheRequestAtOnceWithNoWait() {
        AdmissionQueue queue = queue(2, 4);
        submit(queue, "a", 0);
        submit(queue, "b", 0);
        assertEquals(List.of("start a", "start b"), events);
        assertEquals(2, queue.running());
        assertEquals(0, queue.waiting());
        assertEquals(List.of(0L, 0L), waits);
    }

    @Test
    void waitingRequestsStartHighestPriorityFirstAndInArrivalOrderWithinAPriority() {
        AdmissionQueue queue = queue(1, 10);
        Ticket first = submit(queue, "running", 0);
        submit(queue, "low1", -5);
        submit(queue, "mid1", 0);
        submit(queue, "high", 9);
        submit(queue, "mid2", 0);
        submit(queue, "low2", -5);
        assertEquals(5, queue.waiting());
        first.release();
        for (int i = 0; i < 4; i++) {
            started.get(started.size() - 1).release();
        }
        assertEquals(
                List.of("start running", "start high", "start mid1", "start mid2", "start low1", "start low2"), events);
        assertEquals(0, queue.waiting());
        assertEquals(1, queue.running());
    }

    @Test
    void aFullQueueRefusesTheNextRequestAsQueueFull() {
        AdmissionQueue queue = queue(1, 2);
        submit(queue, "a", 0);
        submit(queue, "b", 0);
        submit(queue, "c", 0);
        submit(queue, "d", 0);
        assertEquals(List.of("start a", "refuse d queue_full"), events);
        assertEquals(2, queue.waiting());
        assertEquals(List.of(Rejection.QUEUE_FULL), rejections);
    }

    @Test
    void aFullQueueMakesRoomForARequestThatOutranksTheLastInLine() {
        AdmissionQueue queue = queue(1, 2);
        Ticket a = submit(queue, "a", 0);
        submit(queue, "b", 1);
        submit(queue, "c", 0);
        submit(queue, "urgent", 5);
        // Equal to the last in line is not enough: it waits behind the ones that came first.
        submit(queue, "same", 1);
        assertEquals(List.of("start a", "refuse c queue_full", "refuse same queue_full"), events);
        a.release();
        assertEquals("start urgent", events.get(events.size() - 1));
    }

    @Test
    void noQueueRefusesAtOnceWhenEverySlotIsTaken() {
        AdmissionQueue queue = queue(1, 0);
        submit(queue, "a", 0);
        submit(queue, "b", 100);
        assertEquals(List.of("start a", "refuse b queue_full"), events);
    }

    @Test
    void aRequestThatWaitedItsWholeTimeoutIsRefusedAsQueueTimeout() {
        AdmissionQueue queue = queue(1, 4);
        Ticket a = submit(queue, "a", 0);
        submit(queue, "old", 0);
        clock.advance(Duration.ofSeconds(3));
        submit(queue, "young", 0);
        clock.advance(TIMEOUT.minusSeconds(3).minusNanos(1));
        queue.expireOverdue();
        assertEquals(2, queue.waiting(), "not yet: one nanosecond short of the timeout");
        clock.advance(Duration.ofNanos(1));
        queue.expireOverdue();
        assertEquals(List.of("start a", "refuse old queue_timeout"), events);
        assertEquals(1, queue.waiting());
        clock.advance(Duration.ofSeconds(1));
        a.release();
        assertEquals("start young", events.get(events.size() - 1));
        assertEquals(List.of(0L, Duration.ofSeconds(3).toNanos()), waits, "young waited 3 s");
        assertEquals(List.of(Rejection.QUEUE_TIMEOUT), rejections);
    }

    @Test
    void aReleasedSlotGoesToNoOneWhoseWaitIsOver() {
        AdmissionQueue queue = queue(1, 4);
        Ticket a = submit(queue, "a", 0);
        submit(queue, "late", 0);
        clock.advance(TIMEOUT);
        // No timer ran: the release itself finds the wait over.
        a.release();
        assertEquals(List.of("start a", "refuse late queue_timeout"), events);
        assertEquals(0, queue.running());
    }

    @Test
    void aRequestCancelledWhileWaitingLeavesTheQueueAtOnceAndIsNeitherStartedNorRefused() {
        AdmissionQueue queue = queue(1, 4);
        Ticket a = submit(queue, "a", 0);
        Ticket gone = submit(queue, "gone", 5);
        submit(queue, "b", 0);
        assertTrue(gone.leaveQueue());
        assertEquals(1, queue.waiting());
        assertFalse(gone.leaveQueue(), "once");
        a.release();
        assertEquals(List.of("start a", "start b"), events);
        assertFalse(a.leaveQueue(), "a running request is the engine's to end");
    }

    @Test
    void releasingTwiceFreesOneSlot() {
        AdmissionQueue queue = queue(1, 4);
        Ticket a = submit(queue, "a", 0);
        Ticket b = submit(queue, "b", 0);
        submit(queue, "c", 0);
        a.release();
        a.release();
        assertEquals(List.of("start a", "start b"), events);
        b.release();
        assertEquals(List.of("start a", "start b", "start c"), events);
    }

    @Test
    void aRequestEndedByItsOwnStartDoesNotNestTheNextStart() {
        AdmissionQueue queue =
                new AdmissionQueue(new Settings(1, 100, TIMEOUT), clock, AdmissionQueue.Timer.NONE, listener);
        Ticket first = submit(queue, "first", 0);
        int[] depth = {0};
        int[] deepest = {0};
        for (int i = 0; i < 50; i++) {
            queue.submit(
                    0,
                    ticket -> {
                        depth[0]++;
                        deepest[0] = Math.max(deepest[0], depth[0]);
                        // An engine that fails each request as it gets it.
                        ticket.release();
                        depth[0]--;
                    },
                    rejection -> events.add("refused"));
        }
        first.release();
        assertEquals(1, deepest[0]);
        assertEquals(0, queue.running());
        assertEquals(0, queue.waiting());
    }

    @Test
    void offStartsEveryRequestAtOnceAndCountsNothing() {
        AdmissionQueue queue = new AdmissionQueue(Settings.OFF, clock, AdmissionQueue.Timer.NONE, listener);
        for (int i = 0; i < 1000; i++) {
            submit(queue, "r", 0);
        }
        assertEquals(1000, started.size());
        assertEquals(0, queue.running());
        assertFalse(started.get(0).leaveQueue());
        started.get(0).release();
        assertTrue(waits.isEmpty());
    }

    @Test
    void theTimerIsArmedOnceForTheOldestWaitingRequest() {
        List<Duration> armed = new ArrayList<>();
        List<Runnable> tasks = new ArrayList<>();
        AdmissionQueue queue = new AdmissionQueue(
                new Settings(1, 10, TIMEOUT),
                clock,
                (delay, task) -> {
                    armed.add(delay);
                    tasks.add(task);
                },
                listener);
        submit(queue, "a", 0);
        submit(queue, "b", 0);
        clock.advance(Duration.ofSeconds(2));
        submit(queue, "c", 0);
        assertEquals(List.of(TIMEOUT), armed, "one timer however many wait");
        clock.advance(Duration.ofSeconds(3));
        tasks.get(0).run();
        assertEquals(List.of("start a", "refuse b queue_timeout"), events);
        assertEquals(List.of(TIMEOUT, Duration.ofSeconds(2)), armed, "then for c, 2 s before its wait is over");
    }
}
