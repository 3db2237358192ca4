package dev.vigil.runtime.discovery.mem;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.discovery.ChangeTracker;
import dev.vigil.runtime.discovery.DiscoveryListener;
import dev.vigil.runtime.discovery.Subscription;

/**
 * One watch of {@link InMemoryDiscovery}: a thread of its own that tells the listener, in order, what
 * changed, as an etcd watch delivers one change at a time. Its queue is unbounded: this backend is
 * for tests in one JVM, where the writers are the test itself.
 */
final class MemWatch<T> implements Subscription {

    private static final Logger LOG = Logger.getLogger(MemWatch.class);

    private final DiscoveryListener<T> listener;
    private final ChangeTracker<T> tracker = new ChangeTracker<>();
    private final ExecutorService delivery;
    private final Consumer<MemWatch<T>> onClose;
    private volatile boolean closed;

    /** @param onClose takes the watch off its store and its process, once */
    MemWatch(DiscoveryListener<T> listener, String threadName, Consumer<MemWatch<T>> onClose) {
        this.listener = listener;
        this.onClose = onClose;
        this.delivery = Executors.newSingleThreadExecutor(Threads.daemon(threadName));
    }

    /** Called with the store locked, so posts arrive in write order. */
    void post(Map<String, T> now) {
        try {
            delivery.execute(() -> deliver(now));
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nobody is listening any more
        }
    }

    private void deliver(Map<String, T> now) {
        if (closed) {
            return;
        }
        tracker.moveTo(now).ifPresent(change -> {
            try {
                listener.onChange(change);
            } catch (RuntimeException e) {
                LOG.warnf(e, "A discovery listener failed; it keeps receiving changes");
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.accept(this);
        delivery.shutdown();
    }
}
