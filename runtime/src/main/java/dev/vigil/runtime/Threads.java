package dev.vigil.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way Vigil makes its own threads: always daemon threads, so a component nobody closed (a
 * plane in a test, a scheduler of a failed start) never keeps the JVM from exiting, and always named,
 * so a thread dump says whose thread is stuck.
 */
public final class Threads {

    private Threads() {}

    /** Daemon threads all named {@code name}: for an executor that keeps one thread. */
    public static ThreadFactory daemon(String name) {
        return task -> configured(new Thread(task, name));
    }

    /** Daemon threads named {@code prefix} and a number counting from 1, for a pool. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> configured(new Thread(task, prefix + count.incrementAndGet()));
    }

    /** Runs {@code task} on a new daemon thread named {@code name}. */
    public static Thread startDaemon(String name, Runnable task) {
        Thread thread = configured(new Thread(task, name));
        thread.start();
        return thread;
    }

    private static Thread configured(Thread thread) {
        thread.setDaemon(true);
        return thread;
    }
}
