package dev.vigil.testing;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor of a test HTTP server ({@link com.sun.net.httpserver.HttpServer}): at most {@code
 * threads} exchanges run at once, at most {@code queued} more wait, and an exchange beyond both runs
 * at once on a small refusal pool instead, where {@link #refusing()} is true so the handler answers
 * it with an error without doing the work. Without that the JDK server would close such a connection
 * without an answer (it does on a rejected task), and an unbounded queue would let a runaway client
 * pile up requests without end.
 */
final class BoundedExchanges implements Executor, AutoCloseable {

    /** Threads that answer refusals: each answer is a few bytes, so a few threads keep up. */
    private static final int REFUSAL_THREADS = 4;

    private static final ThreadLocal<Boolean> REFUSING = ThreadLocal.withInitial(() -> false);

    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor refusals;

    BoundedExchanges(String name, int threads, int queued) {
        pool = new ThreadPoolExecutor(
                threads,
                threads,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queued),
                daemons(name),
                (task, full) -> refuse(task));
        pool.allowCoreThreadTimeOut(true);
        // Past this queue too the connection is closed unanswered (the JDK server's own behaviour).
        refusals = new ThreadPoolExecutor(
                REFUSAL_THREADS,
                REFUSAL_THREADS,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queued),
                daemons(name + "-refusal"),
                new ThreadPoolExecutor.AbortPolicy());
        refusals.allowCoreThreadTimeOut(true);
    }

    /** True on a thread running an exchange that found every thread busy and the queue full. */
    static boolean refusing() {
        return REFUSING.get();
    }

    @Override
    public void execute(Runnable exchange) {
        pool.execute(exchange);
    }

    private void refuse(Runnable exchange) {
        if (refusals.isShutdown()) {
            throw new RejectedExecutionException("closed");
        }
        refusals.execute(() -> {
            REFUSING.set(true);
            try {
                exchange.run();
            } finally {
                REFUSING.remove();
            }
        });
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        pool.shutdownNow();
        refusals.shutdownNow();
    }
}
