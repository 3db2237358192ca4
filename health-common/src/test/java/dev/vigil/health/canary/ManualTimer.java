package dev.vigil.health.canary;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link TaskTimer} whose time moves only when a test says so; due tasks run on the test thread. */
final class ManualTimer implements TaskTimer {

    private final class Task implements Scheduled, Comparable<Task> {
        final long due;
        final long order;
        final Runnable body;
        boolean cancelled;

        Task(long due, long order, Runnable body) {
            this.due = due;
            this.order = order;
            this.body = body;
        }

        @Override
        public void cancel() {
            synchronized (ManualTimer.this) {
                cancelled = true;
                tasks.remove(this);
            }
        }

        @Override
        public int compareTo(Task other) {
            int byDue = Long.compare(due - now, other.due - now);
            return byDue != 0 ? byDue : Long.compare(order, other.order);
        }
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    /** Near the top of the range, so the code under test must compare times by difference. */
    private long now = Long.MAX_VALUE - Duration.ofHours(1).toNanos();

    private long scheduled;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Scheduled schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + Math.max(0, delayNanos), scheduled++, task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward by {@code step}, running every task that falls due, in order, at its time. */
    void advance(Duration step) {
        long target;
        synchronized (this) {
            target = now + step.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due - target > 0) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.due;
            }
            next.body.run();
        }
    }

    synchronized int pending() {
        return tasks.size();
    }
}
