package dev.vigil.runtime.discovery.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.discovery.ChangeTracker;
import dev.vigil.runtime.discovery.DiscoveryChange;
import dev.vigil.runtime.discovery.DiscoveryListener;
import dev.vigil.runtime.discovery.Subscription;

/**
 * One watch of a key prefix, on a thread of its own that does everything: lists, applies events,
 * calls the listener (so calls are serialised and in order) and reconnects.
 *
 * <p>It lists the prefix, tells the listener, then watches from the listing's revision + 1, so no
 * event falls between the two. When the watch breaks (etcd restarted, connection lost, revision
 * compacted) the jetcd watcher is dropped (jetcd would otherwise resume it on its own, from a
 * revision we do not control) and the cycle starts again with backoff: list, tell the listener the
 * difference between what it last saw and the state now ({@link ChangeTracker}), watch from the new
 * revision. Nothing is lost; changes that cancelled out during the outage are simply not reported.
 *
 * <p>Each jetcd watcher gets a generation number; callbacks from an older one are ignored, so a
 * late event from a dropped watcher cannot be applied on top of a newer listing.
 */
final class EtcdWatch<T> implements Subscription {

    private static final Logger LOG = Logger.getLogger(EtcdWatch.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 2_000;

    private final String prefix;
    private final ByteSequence prefixBytes;
    private final KV kv;
    private final Watch watchClient;
    private final BiFunction<String, byte[], Optional<T>> decode;
    private final DiscoveryListener<T> listener;
    private final Duration requestTimeout;
    private final Consumer<EtcdWatch<?>> onClose;
    private final ScheduledExecutorService thread;

    // Confined to the watch thread.
    private final ChangeTracker<T> tracker = new ChangeTracker<>();
    private Watch.Watcher watcher;
    private long generation;
    private int failures;
    private boolean reconnecting;
    /** Why the watch is down, while it is; read by health views on other threads. */
    private volatile String trouble;

    private volatile boolean closed;
    private volatile Thread runner;

    EtcdWatch(
            String prefix,
            KV kv,
            Watch watchClient,
            BiFunction<String, byte[], Optional<T>> decode,
            DiscoveryListener<T> listener,
            Duration requestTimeout,
            Consumer<EtcdWatch<?>> onClose) {
        this.prefix = prefix;
        this.prefixBytes = ByteSequence.from(prefix, UTF_8);
        this.kv = kv;
        this.watchClient = watchClient;
        this.decode = decode;
        this.listener = listener;
        this.requestTimeout = requestTimeout;
        this.onClose = onClose;
        ThreadFactory threads = Threads.daemon("vigil-etcd-watch-" + THREADS.incrementAndGet());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = threads.newThread(r);
            runner = t;
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = Executors.unconfigurableScheduledExecutorService(executor);
    }

    void start() {
        run(this::sync);
    }

    /** Lists, tells the listener what changed since it last heard, and watches from there. */
    private void sync() {
        if (closed) {
            return;
        }
        try {
            GetResponse listing = Calls.await(
                    kv.get(prefixBytes, GetOption.builder().isPrefix(true).build()),
                    requestTimeout,
                    "Listing " + prefix);
            Map<String, T> now = new HashMap<>();
            for (KeyValue entry : listing.getKvs()) {
                String key = entry.getKey().toString(UTF_8);
                decode.apply(key, entry.getValue().getBytes()).ifPresent(value -> now.put(key, value));
            }
            long revision = listing.getHeader().getRevision();
            // Watch before telling: the listener may be slow, and the watch's events queue on this
            // thread behind this task, so they still reach the listener after the listing.
            watchFrom(revision + 1);
            tracker.moveTo(now).ifPresent(this::tell);
            if (reconnecting) {
                LOG.infof("Discovery watch on %s resumed at revision %d", prefix, revision);
            }
            reconnecting = false;
            trouble = null;
            failures = 0;
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            failures++;
            long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures - 1, 10));
            LOG.warnf(
                    "Discovery watch on %s: connection attempt %d failed (%s); retrying in %d ms",
                    prefix, failures, Calls.describe(e), delay);
            schedule(this::sync, delay);
        }
    }

    private void watchFrom(long revision) {
        long current = ++generation;
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(revision)
                // A member cut off from its cluster's leader would keep the watch open and silent;
                // with this it ends the watch, and we reconnect (possibly to another member).
                .withRequireLeader(true)
                .build();
        watcher = watchClient.watch(
                prefixBytes,
                option,
                Watch.listener(
                        response -> run(() -> onEvents(current, response)),
                        error -> run(() -> broken(current, Calls.describe(error))),
                        () -> run(() -> broken(current, "closed by etcd"))));
    }

    private void onEvents(long from, WatchResponse response) {
        if (closed || from != generation) {
            return;
        }
        Map<String, T> next = new HashMap<>(tracker.seen());
        for (WatchEvent event : response.getEvents()) {
            String key = event.getKeyValue().getKey().toString(UTF_8);
            switch (event.getEventType()) {
                case PUT -> {
                    // A value that does not decode is not an entry, as in a listing: drop the key.
                    byte[] value = event.getKeyValue().getValue().getBytes();
                    decode.apply(key, value).ifPresentOrElse(v -> next.put(key, v), () -> next.remove(key));
                }
                case DELETE -> {
                    // A delete carries only the key: it is reported as removed, and the key alone
                    // says what went (DiscoveryKeys.parseInstance / parseModel).
                    next.remove(key);
                }
                default -> LOG.debugf("Ignoring watch event %s on %s", event.getEventType(), key);
            }
        }
        tracker.moveTo(next).ifPresent(this::tell);
    }

    private void broken(long from, String why) {
        if (closed || from != generation) {
            return;
        }
        generation++; // ignore whatever the old watcher still says
        dropWatcher();
        LOG.warnf("Discovery watch on %s broke (%s); reconnecting", prefix, why);
        reconnecting = true;
        trouble = why;
        failures = 0;
        schedule(this::sync, FIRST_RETRY_MILLIS);
    }

    /** Why this watch is reconnecting, or empty while it is up. */
    Optional<String> trouble() {
        String why = trouble;
        return why == null ? Optional.empty() : Optional.of("watch on " + prefix + " reconnecting (" + why + ")");
    }

    private void tell(DiscoveryChange<T> change) {
        if (closed) {
            return;
        }
        try {
            listener.onChange(change);
        } catch (RuntimeException e) {
            LOG.warnf(e, "A discovery listener on %s failed; it keeps receiving changes", prefix);
        }
    }

    private void dropWatcher() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (RuntimeException e) {
                LOG.debugf(e, "Closing a broken watcher on %s", prefix);
            }
            watcher = null;
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nobody is listening any more
        }
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            thread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Stops the watch: no listener call starts after this returns (one in progress may finish). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        run(() -> {
            generation++;
            dropWatcher();
        });
        thread.shutdown();
        onClose.accept(this);
    }

    /** Waits a little for the watch thread to finish, so the client can be closed under it. */
    void awaitClosed(Duration timeout) {
        if (Thread.currentThread() == runner) {
            return; // closed from a listener: the thread finishes once the listener returns
        }
        try {
            thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
