package dev.vigil.runtime.transport.tcp;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.Transport;
import dev.vigil.runtime.transport.support.PlaneExecutor;
import dev.vigil.runtime.transport.support.SerialExecutor;

/**
 * The subscribing end of events on the TCP plane, which has no broker: each subscription is sent to
 * every process in discovery that serves on the TCP plane (the publishers), on the calling side's
 * shared connection to it, now and as publishers come and go; their events come back on those
 * connections and are handed to the subscription's handler one at a time.
 */
final class TcpSubscriptions {

    private static final Logger LOG = Logger.getLogger(TcpRequestPlane.class);

    private final Discovery discovery;
    private final TcpCalls calls;
    private final PlaneExecutor callbacks;
    private final ConcurrentMap<Long, EventSubscription> subscriptions = new ConcurrentHashMap<>();
    private volatile Set<String> publishers = Set.of();
    /** Guarded by this. */
    private Subscription publisherWatch;

    /** Whether the plane has closed: publishers are no longer linked. */
    private final BooleanSupplier closed;

    /** @param discovery where the publishers are found; null for a plane that does not subscribe */
    TcpSubscriptions(Discovery discovery, TcpCalls calls, PlaneExecutor callbacks, BooleanSupplier closed) {
        this.discovery = discovery;
        this.closed = closed;
        this.calls = calls;
        this.callbacks = callbacks;
    }

    /** See {@link TcpRequestPlane#subscribe}. */
    Subscription subscribe(String subject, Consumer<byte[]> handler) {
        if (discovery == null) {
            throw new IllegalStateException("this TCP plane has no discovery to find event publishers with");
        }
        long id = calls.nextId();
        subscriptions.put(id, new EventSubscription(subject, handler, new SerialExecutor(callbacks)));
        watchPublishers();
        List<CompletableFuture<Void>> confirmed = publishers.stream()
                .map(server -> calls.peer(server).subscribe(id, subject))
                .toList();
        CompletableFuture<Void> all = CompletableFuture.allOf(
                confirmed.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new));
        if (Context.isOnEventLoopThread()) {
            return unsubscriber(id);
        }
        try {
            all.get(TcpRequestPlane.CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.debugf("Subscription to %s not confirmed by every publisher: %s", subject, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return unsubscriber(id);
    }

    /** An event frame for the subscription {@code subscription}, from one of the publishers. */
    void deliver(long subscription, Buffer frame) {
        EventSubscription target = subscriptions.get(subscription);
        if (target == null) {
            return;
        }
        int[] next = new int[1];
        String subject = TcpWire.string(frame, 0, next);
        byte[] payload = TcpWire.rest(frame, next[0]);
        try {
            target.serial().execute(() -> {
                try {
                    target.handler().accept(payload);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Event handler for %s failed", subject);
                }
            });
        } catch (RejectedExecutionException e) {
            // The handler fell SerialExecutor.MAX_QUEUED events behind: this one is dropped.
            callbacks.countRejected();
            LOG.debugf("Dropped an event on %s: %s", subject, e.getMessage());
        }
    }

    /** Opens a connection to every publisher that has none and subscribes on it. */
    void linkPublishers() {
        if (closed.getAsBoolean() || subscriptions.isEmpty()) {
            return;
        }
        try {
            for (String server : publishers) {
                TcpPeer peer = calls.peer(server);
                for (Map.Entry<Long, EventSubscription> s : subscriptions.entrySet()) {
                    peer.subscribe(s.getKey(), s.getValue().pattern());
                }
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again.
            LOG.warnf(e, "Linking event publishers failed");
        }
    }

    /** Stops following the publishers: the plane is closing. */
    void close() {
        Subscription watch;
        synchronized (this) {
            watch = publisherWatch;
        }
        if (watch != null) {
            watch.close();
        }
    }

    private Subscription unsubscriber(long id) {
        return () -> {
            if (subscriptions.remove(id) != null) {
                calls.peers().forEach(peer -> peer.unsubscribe(id));
            }
        };
    }

    /** Starts following which processes serve on the TCP plane (event publishers), once. */
    private void watchPublishers() {
        synchronized (this) {
            if (publisherWatch != null) {
                return;
            }
            // Those known now first, so the first subscription is confirmed by them before it returns.
            publishers = servers(discovery.instances());
            publisherWatch = discovery.watchInstances(change -> {
                publishers = servers(change.current().values());
                linkPublishers();
            });
        }
    }

    private static Set<String> servers(Collection<Instance> instances) {
        Set<String> servers = new HashSet<>();
        for (Instance instance : instances) {
            if (instance.transport() instanceof Transport.Tcp tcp) {
                TcpAddress.parse(tcp.address()).ifPresent(a -> servers.add(a.server()));
            }
        }
        return Set.copyOf(servers);
    }

    private record EventSubscription(String pattern, Consumer<byte[]> handler, SerialExecutor serial) {}
}
