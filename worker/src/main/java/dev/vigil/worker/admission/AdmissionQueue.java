package dev.vigil.worker.admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.vigil.runtime.time.Clock;

/**
 * The worker's admission control, in front of the engine (whichever it is): at most {@code
 * maxConcurrent} requests are in the engine at once; the next ones wait in a queue of at most {@code
 * queueSize}, highest priority first and in arrival order within a priority. A request that finds the
 * queue full, or that waits longer than {@code queueTimeout}, is refused (the caller answers it busy),
 * so the frontend sends it to another worker instead of it waiting here without bound. A full queue
 * makes room for a request that outranks the last one in line: that one is refused instead.
 *
 * <p>Admission is off with {@code maxConcurrent} 0: every request goes to the engine at once, as if
 * there were no queue. Thread-safe. Callbacks (a request's start, its refusal) never run under the
 * queue's lock, and never nest: one started by a callback runs after it returns, by the thread
 * already delivering, so an engine that fails requests as it gets them cannot make the stack grow
 * with the queue.
 */
public final class AdmissionQueue {

    private static final Logger LOG = Logger.getLogger(AdmissionQueue.class);

    /** How the queue refused a request; {@code label} is the metric's {@code reason}. */
    public enum Rejection {
        QUEUE_FULL("queue_full"),
        QUEUE_TIMEOUT("queue_timeout");

        private final String label;

        Rejection(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param maxConcurrent requests in the engine at once; 0 turns admission off
     * @param queueSize requests that may wait for a slot; 0 refuses at once when every slot is taken
     * @param queueTimeout the longest a request waits for a slot
     */
    public record Settings(int maxConcurrent, int queueSize, Duration queueTimeout) {

        /** No admission control: today's behaviour, every request straight to the engine. */
        public static final Settings OFF = new Settings(0, 0, Duration.ZERO);

        public boolean enabled() {
            return maxConcurrent > 0;
        }
    }

    /** What the queue tells its metrics. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void admitted(long waitedNanos) {}

            @Override
            public void rejected(Rejection rejection) {}
        };

        /** A request got its slot after waiting {@code waitedNanos} (0 when a slot was free). */
        void admitted(long waitedNanos);

        void rejected(Rejection rejection);
    }

    /** Runs a task after a delay: how waiting requests are timed out without anyone polling. */
    @FunctionalInterface
    public interface Timer {
        /** For tests, which call {@link #expireOverdue} themselves after moving their clock. */
        Timer NONE = (delay, task) -> {};

        void after(Duration delay, Runnable task);
    }

    private enum State {
        WAITING,
        RUNNING,
        DONE
    }

    /** Higher priority first; within a priority, the one that came first. */
    private static final Comparator<Ticket> ORDER =
            Comparator.comparingInt((Ticket t) -> -t.priority).thenComparingLong(t -> t.sequence);

    private final Settings settings;
    private final Clock clock;
    private final Timer timer;
    private final Listener listener;

    // Guarded by this.
    private final TreeSet<Ticket> byPriority = new TreeSet<>(ORDER);
    /** The same tickets in arrival order, which is also their timeout order (one timeout for all). */
    private final LinkedHashSet<Ticket> byArrival = new LinkedHashSet<>();

    private int running;
    private long sequence;
    private final Queue<Runnable> callbacks = new ArrayDeque<>();
    private boolean delivering;
    private boolean timerArmed;

    public AdmissionQueue(Settings settings, Clock clock, Timer timer, Listener listener) {
        this.settings = settings;
        this.clock = clock;
        this.timer = timer;
        this.listener = listener;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * One request's place: waiting for a slot, then holding one until {@link #release}. Its start and
     * its refusal are each called at most once, and never both.
     */
    public final class Ticket {
        private final int priority;
        private final long sequence;
        private final long arrivedNanos;
        private final Consumer<Ticket> start;
        private final Consumer<Rejection> refuse;
        private State state = State.WAITING;

        private Ticket(int priority, long sequence, Consumer<Ticket> start, Consumer<Rejection> refuse) {
            this.priority = priority;
            this.sequence = sequence;
            this.arrivedNanos = clock.nanoTime();
            this.start = start;
            this.refuse = refuse;
        }

        /**
         * The engine is done with the request (it ended, however, or was killed): its slot goes to
         * the next request waiting. Does nothing the second time, or for a request never admitted.
         */
        public void release() {
            if (!settings.enabled()) {
                return;
            }
            synchronized (AdmissionQueue.this) {
                if (state != State.RUNNING) {
                    return;
                }
                state = State.DONE;
                running--;
                expireOverdueLocked();
                fillSlotsLocked();
            }
            deliver();
        }

        /**
         * The caller went away: a request still waiting leaves the queue at once, neither started nor
         * refused, and this returns true. A request already admitted is the engine's to end (then
         * {@link #release}); this returns false.
         */
        public boolean leaveQueue() {
            if (!settings.enabled()) {
                return false;
            }
            synchronized (AdmissionQueue.this) {
                if (state != State.WAITING) {
                    return false;
                }
                state = State.DONE;
                byPriority.remove(this);
                byArrival.remove(this);
                return true;
            }
        }

        @Override
        public String toString() {
            return "ticket " + sequence + " (priority " + priority + ", " + state + ")";
        }
    }

    /**
     * Asks for a slot. {@code start} gets the ticket once a slot is the request's (now, or later on the
     * thread that freed it); {@code refuse} is told why when the queue is full or the wait too long.
     */
    public Ticket submit(int priority, Consumer<Ticket> start, Consumer<Rejection> refuse) {
        if (!settings.enabled()) {
            Ticket ticket;
            synchronized (this) {
                ticket = new Ticket(priority, sequence++, start, refuse);
            }
            ticket.state = State.RUNNING;
            start.accept(ticket);
            return ticket;
        }
        Ticket ticket;
        boolean queued = false;
        synchronized (this) {
            ticket = new Ticket(priority, sequence++, start, refuse);
            expireOverdueLocked();
            if (running < settings.maxConcurrent() && byPriority.isEmpty()) {
                admitLocked(ticket);
            } else if (byPriority.size() < settings.queueSize()) {
                byPriority.add(ticket);
                byArrival.add(ticket);
                queued = true;
            } else if (!byPriority.isEmpty() && ORDER.compare(ticket, byPriority.last()) < 0) {
                // Full, but the newcomer outranks the last in line: that one is the request refused.
                Ticket last = byPriority.pollLast();
                byArrival.remove(last);
                refuseLocked(last, Rejection.QUEUE_FULL);
                byPriority.add(ticket);
                byArrival.add(ticket);
                queued = true;
            } else {
                refuseLocked(ticket, Rejection.QUEUE_FULL);
            }
        }
        if (queued) {
            armTimer();
        }
        deliver();
        return ticket;
    }

    /** Refuses every request that has waited its whole timeout; the timer calls it, tests too. */
    public void expireOverdue() {
        synchronized (this) {
            expireOverdueLocked();
        }
        deliver();
    }

    /**
     * One timer at a time, for the oldest request waiting (the first to time out): what the timer
     * holds stays bounded however many requests pass through the queue.
     */
    private void armTimer() {
        Duration delay;
        synchronized (this) {
            if (timerArmed || byArrival.isEmpty()) {
                return;
            }
            timerArmed = true;
            long waited = clock.nanoTime() - byArrival.iterator().next().arrivedNanos;
            delay = Duration.ofNanos(Math.max(0, settings.queueTimeout().toNanos() - waited));
        }
        timer.after(delay, this::timerFired);
    }

    private void timerFired() {
        synchronized (this) {
            timerArmed = false;
        }
        expireOverdue();
        armTimer();
    }

    /** Requests waiting for a slot now. */
    public synchronized int waiting() {
        return byPriority.size();
    }

    /** Requests holding a slot now (0 with admission off: nothing is counted then). */
    public synchronized int running() {
        return running;
    }

    private void expireOverdueLocked() {
        long now = clock.nanoTime();
        long timeout = settings.queueTimeout().toNanos();
        Iterator<Ticket> oldestFirst = byArrival.iterator();
        while (oldestFirst.hasNext()) {
            Ticket ticket = oldestFirst.next();
            if (now - ticket.arrivedNanos < timeout) {
                return;
            }
            oldestFirst.remove();
            byPriority.remove(ticket);
            refuseLocked(ticket, Rejection.QUEUE_TIMEOUT);
        }
    }

    private void fillSlotsLocked() {
        while (running < settings.maxConcurrent() && !byPriority.isEmpty()) {
            Ticket next = byPriority.pollFirst();
            byArrival.remove(next);
            admitLocked(next);
        }
    }

    private void admitLocked(Ticket ticket) {
        ticket.state = State.RUNNING;
        running++;
        long waited = clock.nanoTime() - ticket.arrivedNanos;
        callbacks.add(() -> {
            listener.admitted(waited);
            ticket.start.accept(ticket);
        });
    }

    private void refuseLocked(Ticket ticket, Rejection rejection) {
        ticket.state = State.DONE;
        callbacks.add(() -> {
            listener.rejected(rejection);
            ticket.refuse.accept(rejection);
        });
    }

    /**
     * Runs the callbacks decided under the lock, outside it. Only one thread delivers at a time; a
     * callback that frees a slot adds the next start here instead of running it inside itself.
     */
    private void deliver() {
        while (true) {
            Runnable next;
            synchronized (this) {
                if (delivering || callbacks.isEmpty()) {
                    return;
                }
                next = callbacks.poll();
                delivering = true;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // The next callbacks must still run: each one is a request waiting for its answer.
                LOG.warnf(e, "Admission callback failed: %s", e.getMessage());
            } finally {
                synchronized (this) {
                    delivering = false;
                }
            }
        }
    }
}
