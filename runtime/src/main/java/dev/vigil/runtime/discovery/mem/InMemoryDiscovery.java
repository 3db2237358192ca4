package dev.vigil.runtime.discovery.mem;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.DiscoveryException;
import dev.vigil.runtime.discovery.DiscoveryKeys;
import dev.vigil.runtime.discovery.DiscoveryListener;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.HealthVerdict;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;

/**
 * Discovery inside one JVM, for unit tests and {@code @QuarkusTest}s that need no etcd. Several
 * instances created on the same {@link Store} see each other's registrations and are told of them
 * by their watches, with the same keys ({@link DiscoveryKeys}), the same create-if-absent rule and the
 * same delivery guarantees (initial list first, then one change at a time, in order, on one thread
 * per subscription) as etcd. Each instance has a random unsigned id standing for its lease; {@link
 * #close()} removes its keys as a revoke would, and {@link #expireLease()} simulates losing the lease.
 */
public final class InMemoryDiscovery implements Discovery {

    private static final Logger LOG = Logger.getLogger(InMemoryDiscovery.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * The shared "etcd": the keys every {@link InMemoryDiscovery} on it reads and writes, and the
     * watches to tell. Create one per test for isolation, or use {@link #shared()}.
     */
    public static final class Store {

        private static final Store SHARED = new Store();

        // All guarded by 'this', so that a write and the notifications it causes are one step and
        // every watcher sees the writes in the same order.
        private final Map<String, Owned<Instance>> instances = new HashMap<>();
        private final Map<String, Owned<ModelCard>> models = new HashMap<>();
        private final Map<String, Owned<InstanceId>> draining = new HashMap<>();
        private final Map<String, Owned<HealthVerdict>> verdicts = new HashMap<>();
        private final Set<InstanceId> ids = new HashSet<>();
        private final List<MemWatch<Instance>> instanceWatches = new ArrayList<>();
        private final List<MemWatch<ModelCard>> modelWatches = new ArrayList<>();
        private final List<MemWatch<InstanceId>> drainingWatches = new ArrayList<>();
        private final List<MemWatch<HealthVerdict>> verdictWatches = new ArrayList<>();

        /** The store of this JVM, for apps whose beans cannot share a store object otherwise. */
        public static Store shared() {
            return SHARED;
        }

        synchronized InstanceId newId() {
            InstanceId id;
            do {
                // etcd lease ids are never 0; ids are unsigned, so any other bit pattern is valid.
                id = new InstanceId(RANDOM.nextLong());
            } while (id.value() == 0 || !ids.add(id));
            return id;
        }

        synchronized void releaseId(InstanceId id) {
            ids.remove(id);
        }

        synchronized Map<String, Instance> instances() {
            return values(instances);
        }

        synchronized Map<String, ModelCard> models() {
            return values(models);
        }

        synchronized Map<String, InstanceId> draining() {
            return values(draining);
        }

        synchronized Map<String, HealthVerdict> verdicts() {
            return values(verdicts);
        }

        /** Writes {@code key} whatever it held (the keys only their owner writes). */
        synchronized <T> void put(Map<String, Owned<T>> map, String key, InstanceId owner, T value) {
            map.put(key, new Owned<>(owner, value));
            changed();
        }

        synchronized <T> void create(Map<String, Owned<T>> map, String key, InstanceId owner, T value) {
            Owned<T> existing = map.get(key);
            if (existing == null) {
                map.put(key, new Owned<>(owner, value));
                changed();
            } else if (!existing.owner().equals(owner)) {
                throw new DiscoveryException(
                        "Discovery key " + key + " is owned by another lease (" + existing.owner() + ")");
            } else if (!existing.value().equals(value)) {
                throw new DiscoveryException("Discovery key " + key + " is already registered with another value");
            }
        }

        synchronized <T> void delete(Map<String, Owned<T>> map, String key, InstanceId owner) {
            Owned<T> existing = map.get(key);
            if (existing != null && existing.owner().equals(owner)) {
                map.remove(key);
                changed();
            }
        }

        synchronized void deleteAll(InstanceId owner) {
            boolean removed = instances.values().removeIf(o -> o.owner().equals(owner));
            removed |= models.values().removeIf(o -> o.owner().equals(owner));
            removed |= draining.values().removeIf(o -> o.owner().equals(owner));
            removed |= verdicts.values().removeIf(o -> o.owner().equals(owner));
            if (removed) {
                changed();
            }
        }

        synchronized <T> void watch(List<MemWatch<T>> watches, MemWatch<T> watch, Map<String, T> now) {
            watches.add(watch);
            watch.post(now);
        }

        synchronized void unwatch(MemWatch<?> watch) {
            instanceWatches.remove(watch);
            modelWatches.remove(watch);
            drainingWatches.remove(watch);
            verdictWatches.remove(watch);
        }

        private void changed() {
            if (!instanceWatches.isEmpty()) {
                Map<String, Instance> now = values(instances);
                instanceWatches.forEach(w -> w.post(now));
            }
            if (!modelWatches.isEmpty()) {
                Map<String, ModelCard> now = values(models);
                modelWatches.forEach(w -> w.post(now));
            }
            if (!drainingWatches.isEmpty()) {
                Map<String, InstanceId> now = values(draining);
                drainingWatches.forEach(w -> w.post(now));
            }
            if (!verdictWatches.isEmpty()) {
                Map<String, HealthVerdict> now = values(verdicts);
                verdictWatches.forEach(w -> w.post(now));
            }
        }

        private static <T> Map<String, T> values(Map<String, Owned<T>> map) {
            Map<String, T> values = new HashMap<>();
            map.forEach((key, owned) -> values.put(key, owned.value()));
            return Map.copyOf(values);
        }
    }

    /** A value and the lease (instance id) that wrote it. */
    private record Owned<T>(InstanceId owner, T value) {}

    private enum State {
        OPEN,
        LEASE_LOST,
        CLOSED
    }

    private final Store store;
    private final InstanceId id;
    private final List<Runnable> leaseLostCallbacks = new ArrayList<>();
    private final List<MemWatch<?>> subscriptions = new CopyOnWriteArrayList<>();
    private State state = State.OPEN; // guarded by this

    /** A new process on {@code store}, with a fresh random id. */
    public InMemoryDiscovery(Store store) {
        this.store = Objects.requireNonNull(store, "store");
        this.id = store.newId();
    }

    /** A new process on the {@linkplain Store#shared() shared} store. */
    public InMemoryDiscovery() {
        this(Store.shared());
    }

    @Override
    public InstanceId instanceId() {
        return id;
    }

    @Override
    public void register(Instance instance) {
        requireOwn(instance.id());
        requireOpen();
        store.create(store.instances, DiscoveryKeys.instance(instance), id, instance);
    }

    @Override
    public void unregister(Instance instance) {
        requireOwn(instance.id());
        store.delete(store.instances, DiscoveryKeys.instance(instance), id);
    }

    @Override
    public void registerModel(ModelCard card) {
        requireOwn(card.instanceId());
        requireOpen();
        store.create(store.models, DiscoveryKeys.model(card), id, card);
    }

    @Override
    public void unregisterModel(ModelCard card) {
        requireOwn(card.instanceId());
        store.delete(store.models, DiscoveryKeys.model(card), id);
    }

    @Override
    public List<Instance> instances() {
        return List.copyOf(store.instances().values());
    }

    @Override
    public List<ModelCard> models() {
        return List.copyOf(store.models().values());
    }

    @Override
    public Subscription watchInstances(DiscoveryListener<Instance> listener) {
        return watch(listener, store.instanceWatches, Store::instances);
    }

    @Override
    public Subscription watchModels(DiscoveryListener<ModelCard> listener) {
        return watch(listener, store.modelWatches, Store::models);
    }

    @Override
    public void markDraining(boolean draining) {
        String key = DiscoveryKeys.draining(id);
        if (draining) {
            requireOpen();
            store.create(store.draining, key, id, id);
        } else {
            store.delete(store.draining, key, id);
        }
    }

    @Override
    public Subscription watchDraining(DiscoveryListener<InstanceId> listener) {
        return watch(listener, store.drainingWatches, Store::draining);
    }

    @Override
    public void publishVerdict(HealthVerdict verdict) {
        requireOwn(verdict.reporter());
        requireOpen();
        store.put(store.verdicts, DiscoveryKeys.verdict(verdict.worker(), id), id, verdict);
    }

    @Override
    public void withdrawVerdict(InstanceId worker) {
        store.delete(store.verdicts, DiscoveryKeys.verdict(worker, id), id);
    }

    @Override
    public Subscription watchVerdicts(DiscoveryListener<HealthVerdict> listener) {
        return watch(listener, store.verdictWatches, Store::verdicts);
    }

    private <T> Subscription watch(
            DiscoveryListener<T> listener, List<MemWatch<T>> watches, Function<Store, Map<String, T>> snapshot) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (state == State.CLOSED) {
                throw new DiscoveryException("Discovery is closed");
            }
        }
        MemWatch<T> subscription =
                new MemWatch<>(listener, "vigil-discovery-watch-mem-" + THREADS.incrementAndGet(), watch -> {
                    store.unwatch(watch);
                    subscriptions.remove(watch);
                });
        subscriptions.add(subscription);
        synchronized (store) {
            store.watch(watches, subscription, snapshot.apply(store));
        }
        return subscription;
    }

    @Override
    public void onLeaseLost(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        synchronized (this) {
            if (state != State.LEASE_LOST) {
                leaseLostCallbacks.add(callback);
                return;
            }
        }
        // Registered after the loss: it still must hear of it, once.
        runCallback(callback);
    }

    /**
     * Simulates losing the lease, as when etcd could not be reached for longer than the TTL: this
     * process's keys disappear (watchers are told) and every {@link #onLeaseLost} callback runs once,
     * on the calling thread. Registrations then fail. Does nothing if already lost or closed.
     */
    public void expireLease() {
        List<Runnable> callbacks;
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            state = State.LEASE_LOST;
            callbacks = List.copyOf(leaseLostCallbacks);
            leaseLostCallbacks.clear();
        }
        store.deleteAll(id);
        LOG.error("Unable to maintain lease. Check etcd server status");
        callbacks.forEach(InMemoryDiscovery::runCallback);
    }

    /** Removes this process's keys, as revoking its lease would, and stops its watches. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            leaseLostCallbacks.clear();
        }
        subscriptions.forEach(MemWatch::close);
        store.deleteAll(id);
        store.releaseId(id);
    }

    private void requireOwn(InstanceId owner) {
        if (!id.equals(owner)) {
            throw new IllegalArgumentException(
                    "instance id " + owner + " is not this process's (" + id + "): register only your own");
        }
    }

    private synchronized void requireOpen() {
        switch (state) {
            case CLOSED -> throw new DiscoveryException("Discovery is closed");
            case LEASE_LOST -> throw new DiscoveryException("Lease " + id + " is lost: cannot register");
            default -> {}
        }
    }

    private static void runCallback(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "A lease-lost callback failed");
        }
    }
}
