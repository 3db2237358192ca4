package dev.vigil.runtime.discovery.mem;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vigil.runtime.discovery.DiscoveryChange;
import dev.vigil.runtime.discovery.DiscoveryException;
import dev.vigil.runtime.discovery.DiscoveryKeys;
import dev.vigil.runtime.discovery.RecordingListener;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;

class InMemoryDiscoveryTest {

    // Delivery is an in-process hand-off to another thread: anything slower than this is a bug.
    private static final Duration DELIVERY = Duration.ofSeconds(2);

    private static final EndpointId GENERATE = new EndpointId("dynamo", "backend", "generate");
    private static final EndpointId CLEAR = new EndpointId("dynamo", "backend", "clear_kv_blocks");

    private final InMemoryDiscovery.Store store = new InMemoryDiscovery.Store();
    private final InMemoryDiscovery worker = new InMemoryDiscovery(store);
    private final InMemoryDiscovery frontend = new InMemoryDiscovery(store);

    @AfterEach
    void close() {
        worker.close();
        frontend.close();
    }

    @Test
    void eachProcessHasItsOwnId() {
        assertNotEquals(worker.instanceId(), frontend.instanceId());
        assertNotEquals(0, worker.instanceId().value());
    }

    @Test
    void registrationsAreSeenByOtherProcessesOnTheSameStore() {
        Instance generate = GENERATE.instance(worker.instanceId());
        worker.register(generate);
        assertEquals(List.of(generate), frontend.instances());

        ModelCard card = new ModelCard("mock-model", GENERATE, worker.instanceId(), 1024, 16, 256);
        worker.registerModel(card);
        assertEquals(List.of(card), frontend.models());

        try (InMemoryDiscovery elsewhere = new InMemoryDiscovery(new InMemoryDiscovery.Store())) {
            assertEquals(List.of(), elsewhere.instances());
        }
    }

    @Test
    void watchGetsTheInitialListThenEachChangeInOrderOnOneThread() {
        Instance generate = GENERATE.instance(worker.instanceId());
        Instance clear = CLEAR.instance(worker.instanceId());
        worker.register(generate);

        RecordingListener<Instance> listener = new RecordingListener<>();
        Subscription subscription = frontend.watchInstances(listener);
        worker.register(clear);
        worker.unregister(generate);

        await().atMost(DELIVERY).until(() -> listener.count() == 3);
        String g = DiscoveryKeys.instance(generate);
        String c = DiscoveryKeys.instance(clear);
        assertEquals(
                List.of(
                        new DiscoveryChange<>(Map.of(g, generate), Set.of(g), Set.of()),
                        new DiscoveryChange<>(Map.of(g, generate, c, clear), Set.of(c), Set.of()),
                        new DiscoveryChange<>(Map.of(c, clear), Set.of(), Set.of(g))),
                listener.changes());
        assertEquals(1, Set.copyOf(listener.threads()).size());

        subscription.close();
        subscription.close();
        worker.unregister(clear);
        worker.register(generate);
        assertEquals(3, listener.count());
    }

    @Test
    void theFirstChangeComesEvenWhenNothingIsRegistered() {
        RecordingListener<ModelCard> listener = new RecordingListener<>();
        frontend.watchModels(listener);
        await().atMost(DELIVERY).until(() -> listener.count() == 1);
        assertEquals(
                new DiscoveryChange<>(Map.of(), Set.of(), Set.of()),
                listener.changes().get(0));
    }

    @Test
    void registerIsCreateIfAbsentAndIdempotent() {
        Instance generate = GENERATE.instance(worker.instanceId());
        worker.register(generate);
        worker.register(generate);
        assertEquals(1, frontend.instances().size());

        Instance otherSubject = new Instance("dynamo", "backend", "generate", worker.instanceId(), "elsewhere");
        var e = assertThrows(DiscoveryException.class, () -> worker.register(otherSubject));
        assertTrue(e.getMessage().contains(DiscoveryKeys.instance(generate)), e.getMessage());
    }

    @Test
    void aProcessRegistersOnlyItsOwnInstances() {
        assertThrows(IllegalArgumentException.class, () -> worker.register(GENERATE.instance(frontend.instanceId())));
        assertThrows(
                IllegalArgumentException.class,
                () -> worker.registerModel(new ModelCard(
                        "m", GENERATE, new InstanceId(frontend.instanceId().value()), 1, 1, 1)));
    }

    @Test
    void closeRemovesTheProcessKeysAndWatchersSeeIt() {
        Instance generate = GENERATE.instance(worker.instanceId());
        worker.register(generate);
        worker.registerModel(new ModelCard("m", GENERATE, worker.instanceId(), 1, 1, 1));
        RecordingListener<Instance> listener = new RecordingListener<>();
        frontend.watchInstances(listener);
        await().atMost(DELIVERY).until(() -> listener.count() == 1);

        worker.close();
        worker.close();

        await().atMost(DELIVERY).until(() -> listener.count() == 2);
        assertEquals(
                Set.of(DiscoveryKeys.instance(generate)),
                listener.changes().get(1).removed());
        assertEquals(List.of(), frontend.instances());
        assertEquals(List.of(), frontend.models());
        assertThrows(DiscoveryException.class, () -> worker.register(generate));
    }

    @Test
    void expireLeaseRemovesKeysAndRunsEveryCallbackOnce() {
        Instance generate = GENERATE.instance(worker.instanceId());
        worker.register(generate);
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        worker.onLeaseLost(first::incrementAndGet);
        worker.onLeaseLost(second::incrementAndGet);
        RecordingListener<Instance> listener = new RecordingListener<>();
        frontend.watchInstances(listener);
        await().atMost(DELIVERY).until(() -> listener.count() == 1);

        worker.expireLease();
        worker.expireLease();

        assertEquals(1, first.get());
        assertEquals(1, second.get());
        await().atMost(DELIVERY).until(() -> listener.count() == 2);
        assertEquals(Map.of(), listener.current());
        var e = assertThrows(DiscoveryException.class, () -> worker.register(generate));
        assertTrue(e.getMessage().contains("lost"), e.getMessage());

        AtomicInteger late = new AtomicInteger();
        worker.onLeaseLost(late::incrementAndGet);
        assertEquals(1, late.get());
    }

    @Test
    void aFailingListenerKeepsReceivingChanges() {
        AtomicInteger calls = new AtomicInteger();
        frontend.watchInstances(change -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
        });
        worker.register(GENERATE.instance(worker.instanceId()));
        await().atMost(DELIVERY).until(() -> calls.get() == 2);
    }

    @Test
    void theSharedStoreIsOneStore() {
        assertTrue(InMemoryDiscovery.Store.shared() == InMemoryDiscovery.Store.shared());
        try (InMemoryDiscovery a = new InMemoryDiscovery();
                InMemoryDiscovery b = new InMemoryDiscovery()) {
            Instance instance = GENERATE.instance(a.instanceId());
            a.register(instance);
            assertTrue(b.instances().contains(instance));
        }
    }

    @Test
    void aDrainingMarkIsSeenByWatchersAndGoesWithTheProcess() {
        RecordingListener<InstanceId> listener = new RecordingListener<>();
        frontend.watchDraining(listener);
        worker.markDraining(true);
        worker.markDraining(true);
        await().atMost(DELIVERY).until(() -> listener.current().containsValue(worker.instanceId()));
        worker.markDraining(false);
        await().atMost(DELIVERY).until(() -> listener.current().isEmpty());
        worker.markDraining(true);
        await().atMost(DELIVERY).until(() -> !listener.current().isEmpty());
        worker.close();
        await().atMost(DELIVERY).until(() -> listener.current().isEmpty());
    }
}
