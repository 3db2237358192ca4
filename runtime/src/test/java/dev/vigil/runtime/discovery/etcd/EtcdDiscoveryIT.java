package dev.vigil.runtime.discovery.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;

import dev.vigil.runtime.config.LeaseLossPolicy;
import dev.vigil.runtime.discovery.DiscoveryChange;
import dev.vigil.runtime.discovery.DiscoveryException;
import dev.vigil.runtime.discovery.DiscoveryJson;
import dev.vigil.runtime.discovery.DiscoveryKeys;
import dev.vigil.runtime.discovery.RecordingListener;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.HealthVerdict;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.testing.EtcdServer;
import dev.vigil.testing.FreePort;
import dev.vigil.testing.LogCapture;

/**
 * EtcdDiscovery against a real etcd. One etcd for the class; each test works in a namespace of its
 * own (watchers see every namespace and look only at theirs). Tests that kill etcd start it again.
 */
// Per method: the longest chain of waits (deliveries, an etcd restart of up to 20 s, a third of a 9 s
// TTL) adds up to about 45 s.
@Timeout(90)
class EtcdDiscoveryIT {

    /** Short, so expiry tests are quick; etcd's own minimum is about 2 s anyway. */
    private static final Duration TTL = Duration.ofSeconds(2);

    /** A watch change crosses etcd and a thread hand-off on loopback. */
    private static final Duration DELIVERY = Duration.ofSeconds(5);

    /** etcd checks expiry about every 500 ms, and the keep-alive may have just renewed. */
    private static final Duration EXPIRY = TTL.plusSeconds(2);

    private static EtcdServer etcd;

    private final List<EtcdDiscovery> opened = new ArrayList<>();
    private Client raw;
    private String namespace;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.started();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void setUp(TestInfo test) {
        etcd.start(); // no-op when running; revives it if a failed outage test left it down
        namespace = "ns-" + test.getTestMethod().orElseThrow().getName();
        raw = Client.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterEach
    void tearDown() {
        opened.forEach(EtcdDiscovery::close);
        raw.close();
    }

    private EtcdDiscovery connect(Duration ttl) {
        EtcdDiscovery discovery = EtcdDiscovery.connect(List.of(etcd.endpoint()), ttl);
        opened.add(discovery);
        return discovery;
    }

    private EtcdDiscovery connect() {
        return connect(TTL);
    }

    private EtcdDiscovery connectReregistering() {
        EtcdDiscovery discovery = EtcdDiscovery.connect(List.of(etcd.endpoint()), TTL, LeaseLossPolicy.REREGISTER);
        opened.add(discovery);
        return discovery;
    }

    private EndpointId endpoint(String name) {
        return new EndpointId(namespace, "backend", name);
    }

    private boolean mine(String key) {
        return key.startsWith(DiscoveryKeys.INSTANCES_PREFIX + namespace + "/")
                || key.startsWith(DiscoveryKeys.MODELS_PREFIX + namespace + "/");
    }

    private Optional<KeyValue> rawGet(String key) throws Exception {
        List<KeyValue> kvs = raw.getKVClient()
                .get(ByteSequence.from(key, UTF_8))
                .get(5, TimeUnit.SECONDS)
                .getKvs();
        return kvs.stream().findFirst();
    }

    @Test
    void keysAndValuesAreDynamosAndCarryThePrimaryLease() throws Exception {
        EtcdDiscovery worker = connect();
        Instance generate = endpoint("generate").instance(worker.instanceId());
        ModelCard card = new ModelCard("mock-model", endpoint("generate"), worker.instanceId(), 1024, 16, 256);
        worker.register(generate);
        worker.registerModel(card);

        String id = worker.instanceId().hex();
        KeyValue instanceKv =
                rawGet("v1/instances/" + namespace + "/backend/generate/" + id).orElseThrow();
        assertEquals(
                "{\"type\":\"Endpoint\",\"component\":\"backend\",\"endpoint\":\"generate\",\"namespace\":\""
                        + namespace + "\",\"instance_id\":"
                        + worker.instanceId().decimal()
                        + ",\"transport\":{\"nats_tcp\":\""
                        + namespace.toLowerCase().replaceAll("[^a-z0-9_-]", "_")
                        + "_backend.generate-" + id + "\"}}",
                instanceKv.getValue().toString(UTF_8));
        assertEquals(worker.instanceId().value(), instanceKv.getLease());

        KeyValue modelKv =
                rawGet("v1/mdc/" + namespace + "/backend/generate/" + id).orElseThrow();
        assertEquals(DiscoveryJson.encode(card), modelKv.getValue().toString(UTF_8));
        assertEquals(worker.instanceId().value(), modelKv.getLease());

        assertTrue(worker.instances().contains(generate));
        assertTrue(worker.models().contains(card));
        assertEquals(TTL, worker.leaseTtl());
    }

    @Test
    void aDrainingMarkIsAKeyUnderTheLeaseThatWatchersSeeComeAndGo() throws Exception {
        EtcdDiscovery worker = connect();
        EtcdDiscovery frontend = connect();
        InstanceId id = worker.instanceId();
        RecordingListener<InstanceId> listener = new RecordingListener<>();
        frontend.watchDraining(listener);

        worker.markDraining(true);
        worker.markDraining(true); // idempotent: the same value under the same lease
        KeyValue kv = rawGet("v1/vigil/draining/" + id.hex()).orElseThrow();
        assertEquals(
                "{\"type\":\"Draining\",\"instance_id\":" + id.decimal() + "}",
                kv.getValue().toString(UTF_8));
        assertEquals(id.value(), kv.getLease());
        await().atMost(DELIVERY).until(() -> listener.current().containsValue(id));

        worker.markDraining(false);
        worker.markDraining(false); // idempotent too
        assertTrue(rawGet("v1/vigil/draining/" + id.hex()).isEmpty());
        await().atMost(DELIVERY).until(() -> !listener.current().containsValue(id));

        // The mark goes with the process: closing revokes the lease.
        worker.markDraining(true);
        await().atMost(DELIVERY).until(() -> listener.current().containsValue(id));
        worker.close();
        await().atMost(DELIVERY).until(() -> !listener.current().containsValue(id));
    }

    @Test
    void aVerdictIsReplacedWithdrawnAndGoesWithItsReportersLease() throws Exception {
        EtcdDiscovery frontend = connect();
        EtcdDiscovery other = connect();
        InstanceId worker = new InstanceId(0x694d98147d54be25L);
        RecordingListener<HealthVerdict> listener = new RecordingListener<>();
        other.watchVerdicts(listener);
        String key = "v1/vigil/verdicts/" + worker.hex() + "/"
                + frontend.instanceId().hex();

        frontend.publishVerdict(new HealthVerdict(worker, frontend.instanceId(), "inhibited", Duration.ofSeconds(5)));
        HealthVerdict opened = new HealthVerdict(worker, frontend.instanceId(), "circuit_open", Duration.ofSeconds(30));
        frontend.publishVerdict(opened); // replaces the first: a verdict changes over time
        assertEquals(frontend.instanceId().value(), rawGet(key).orElseThrow().getLease());
        await().atMost(DELIVERY).until(() -> opened.equals(listener.current().get(key)));
        assertThrows(
                IllegalArgumentException.class,
                () -> frontend.publishVerdict(new HealthVerdict(worker, other.instanceId(), "x", Duration.ZERO)));

        frontend.withdrawVerdict(worker);
        assertTrue(rawGet(key).isEmpty());
        await().atMost(DELIVERY).until(() -> !listener.current().containsKey(key));

        frontend.publishVerdict(opened);
        await().atMost(DELIVERY).until(() -> listener.current().containsKey(key));
        frontend.close();
        await().atMost(DELIVERY).until(() -> !listener.current().containsKey(key));
    }

    @Test
    void registerIsIdempotentAndRefusesAKeyOwnedByAnotherLease() throws Exception {
        EtcdDiscovery worker = connect();
        Instance generate = endpoint("generate").instance(worker.instanceId());
        worker.register(generate);
        worker.register(generate);

        Instance moved = new Instance(namespace, "backend", "generate", worker.instanceId(), "another.subject");
        var sameLease = assertThrows(DiscoveryException.class, () -> worker.register(moved));
        assertTrue(sameLease.getMessage().contains(DiscoveryKeys.instance(generate)), sameLease.getMessage());

        // Someone else's lease holds the key of our next endpoint.
        Instance clear = endpoint("clear_kv_blocks").instance(worker.instanceId());
        long foreign = raw.getLeaseClient().grant(30).get(5, TimeUnit.SECONDS).getID();
        raw.getKVClient()
                .put(
                        ByteSequence.from(DiscoveryKeys.instance(clear), UTF_8),
                        ByteSequence.from(DiscoveryJson.encode(clear), UTF_8),
                        PutOption.builder().withLeaseId(foreign).build())
                .get(5, TimeUnit.SECONDS);
        var e = assertThrows(DiscoveryException.class, () -> worker.register(clear));
        assertTrue(e.getMessage().contains(DiscoveryKeys.instance(clear)), e.getMessage());
        assertTrue(e.getMessage().contains("another lease"), e.getMessage());
        assertEquals(
                foreign, rawGet(DiscoveryKeys.instance(clear)).orElseThrow().getLease());
        raw.getLeaseClient().revoke(foreign).get(5, TimeUnit.SECONDS);
    }

    @Test
    void keepAliveKeepsTheKeyForMoreThanThreeTtls() throws Exception {
        EtcdDiscovery worker = connect();
        String key = DiscoveryKeys.instance(endpoint("generate").instance(worker.instanceId()));
        worker.register(endpoint("generate").instance(worker.instanceId()));

        Duration threeTtls = TTL.multipliedBy(3).plusSeconds(1);
        await().during(threeTtls)
                .atMost(threeTtls.plusSeconds(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> rawGet(key).isPresent());
    }

    @Test
    void closeRevokesTheLeaseAndTheKeysGoAtOnce() throws Exception {
        EtcdDiscovery worker = connect();
        Instance generate = endpoint("generate").instance(worker.instanceId());
        worker.register(generate);
        worker.registerModel(new ModelCard("m", endpoint("generate"), worker.instanceId(), 1, 1, 1));
        assertTrue(rawGet(DiscoveryKeys.instance(generate)).isPresent());

        worker.close();

        assertEquals(Optional.empty(), rawGet(DiscoveryKeys.instance(generate)));
        assertEquals(
                Optional.empty(),
                rawGet(DiscoveryKeys.model(new ModelCard("m", endpoint("generate"), worker.instanceId(), 1, 1, 1))));
        worker.close(); // idempotent
        worker.unregister(generate); // its keys are gone: nothing to do
        assertThrows(DiscoveryException.class, () -> worker.register(generate));
    }

    @Test
    void aProcessThatVanishesLosesItsKeysWithinTheTtl() throws Exception {
        EtcdDiscovery worker = connect();
        EtcdDiscovery frontend = connect();
        Instance generate = endpoint("generate").instance(worker.instanceId());
        worker.register(generate);
        String key = DiscoveryKeys.instance(generate);
        RecordingListener<Instance> seen = new RecordingListener<>(this::mine);
        frontend.watchInstances(seen);
        await().atMost(DELIVERY).until(() -> seen.current().containsKey(key));

        worker.abandon(); // no revoke: like kill -9

        await().atMost(EXPIRY).pollInterval(Duration.ofMillis(100)).until(() -> rawGet(key)
                .isEmpty());
        await().atMost(DELIVERY).until(() -> !seen.current().containsKey(key));
        DiscoveryChange<Instance> last = seen.changes().get(seen.count() - 1);
        assertEquals(Set.of(key), last.removed());
    }

    @Test
    void aWatcherGetsTheInitialListThenEveryChangeInOrder() {
        EtcdDiscovery worker = connect();
        EtcdDiscovery frontend = connect();
        Instance generate = endpoint("generate").instance(worker.instanceId());
        Instance clear = endpoint("clear_kv_blocks").instance(worker.instanceId());
        worker.register(generate);
        String g = DiscoveryKeys.instance(generate);
        String c = DiscoveryKeys.instance(clear);

        RecordingListener<Instance> seen = new RecordingListener<>(this::mine);
        frontend.watchInstances(seen);
        await().atMost(DELIVERY).until(() -> seen.count() == 1);
        // One write at a time: writes that reach a watcher together may come as one change.
        worker.register(clear);
        await().atMost(DELIVERY).until(() -> seen.count() == 2);
        worker.unregister(generate);
        await().atMost(DELIVERY).until(() -> seen.count() == 3);
        worker.register(generate);
        await().atMost(DELIVERY).until(() -> seen.count() == 4);

        assertEquals(
                List.of(
                        new DiscoveryChange<>(Map.of(g, generate), Set.of(g), Set.of()),
                        new DiscoveryChange<>(Map.of(g, generate, c, clear), Set.of(c), Set.of()),
                        new DiscoveryChange<>(Map.of(c, clear), Set.of(), Set.of(g)),
                        new DiscoveryChange<>(Map.of(g, generate, c, clear), Set.of(g), Set.of())),
                seen.changes());
        assertEquals(1, Set.copyOf(seen.threads()).size());
    }

    @Test
    void aBurstOfWritesArrivesAsConsistentChangesEndingInTheRightState() {
        EtcdDiscovery worker = connect();
        EtcdDiscovery frontend = connect();
        RecordingListener<Instance> seen = new RecordingListener<>(this::mine);
        frontend.watchInstances(seen);
        await().atMost(DELIVERY).until(() -> seen.count() == 1);

        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Instance instance = endpoint("e" + i).instance(worker.instanceId());
            instances.add(instance);
            worker.register(instance);
            if (i % 3 == 0) {
                worker.unregister(instance);
            }
        }

        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            if (i % 3 != 0) {
                expected.add(DiscoveryKeys.instance(instances.get(i)));
            }
        }
        await().atMost(DELIVERY).until(() -> seen.current().keySet().equals(expected));
        // However the events were batched, each change leads from the previous state to its own.
        Map<String, Instance> state = new HashMap<>();
        for (DiscoveryChange<Instance> change : seen.changes()) {
            change.removed().forEach(state::remove);
            change.added().forEach(key -> state.put(key, change.current().get(key)));
            assertEquals(change.current(), state);
        }
    }

    @Test
    void modelWatchSkipsValuesThatDoNotParse() throws Exception {
        EtcdDiscovery worker = connect();
        ModelCard card = new ModelCard("mock-model", endpoint("generate"), worker.instanceId(), 1024, 16, 256);
        String junk = DiscoveryKeys.MODELS_PREFIX + namespace + "/backend/junk/1";
        raw.getKVClient()
                .put(ByteSequence.from(junk, UTF_8), ByteSequence.from("{not json", UTF_8))
                .get(5, TimeUnit.SECONDS);

        RecordingListener<ModelCard> seen = new RecordingListener<>(this::mine);
        try (Subscription subscription = worker.watchModels(seen)) {
            worker.registerModel(card);
            await().atMost(DELIVERY).until(() -> seen.current().containsKey(DiscoveryKeys.model(card)));
            assertFalse(seen.current().containsKey(junk));
            assertFalse(worker.models().stream()
                    .anyMatch(m -> m.endpoint().endpoint().equals("junk")));
        } finally {
            raw.getKVClient().delete(ByteSequence.from(junk, UTF_8)).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aShortOutageIsSurvivedAndTheWatchResumesWithoutLosingChanges() {
        // The lease was last renewed up to TTL/3 before etcd goes down, so it survives an outage
        // (down + restart + leader election, a few seconds here) shorter than 2/3 of the TTL.
        Duration ttl = Duration.ofSeconds(9);
        Duration down = ttl.dividedBy(6);
        EtcdDiscovery worker = connect(ttl);
        EtcdDiscovery frontend = connect(ttl);
        AtomicInteger lost = new AtomicInteger();
        worker.onLeaseLost(lost::incrementAndGet);
        Instance generate = endpoint("generate").instance(worker.instanceId());
        Instance clear = endpoint("clear_kv_blocks").instance(worker.instanceId());
        worker.register(generate);
        RecordingListener<Instance> seen = new RecordingListener<>(this::mine);
        Subscription subscription = frontend.watchInstances(seen);
        await().atMost(DELIVERY).until(() -> seen.current().containsKey(DiscoveryKeys.instance(generate)));

        try (LogCapture log = LogCapture.of("dev.vigil.runtime.discovery.etcd")) {
            etcd.kill();
            try {
                await().during(down).atMost(down.plusSeconds(1)).until(() -> lost.get() == 0);
            } finally {
                etcd.start();
            }
            long renewalsBefore = worker.leaseRenewals();

            // The calls retry until etcd has a leader again.
            worker.register(clear);
            worker.unregister(generate);

            // The watch that existed before the outage, not a new one, reports both.
            await().atMost(DELIVERY).until(() -> seen.current().keySet().equals(Set.of(DiscoveryKeys.instance(clear))));
            assertTrue(
                    log.has("WARN", "Discovery watch on v1/instances/ broke"),
                    log.lines().toString());
            await().atMost(DELIVERY).until(() -> log.has("INFO", "Discovery watch on v1/instances/ resumed"));
            // Renewals resumed: the lease outlives the outage.
            await().atMost(ttl.dividedBy(3).plus(DELIVERY)).until(() -> worker.leaseRenewals() > renewalsBefore);
        }
        assertEquals(0, lost.get());
        assertEquals(1, Set.copyOf(seen.threads()).size());
        assertTrue(worker.instances().contains(clear));
        subscription.close();
    }

    @Test
    void theLeaseIsLostWhenEtcdIsDownLongerThanTheTtl() {
        EtcdDiscovery worker = connect();
        Instance generate = endpoint("generate").instance(worker.instanceId());
        worker.register(generate);
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        worker.onLeaseLost(first::incrementAndGet);
        worker.onLeaseLost(second::incrementAndGet);

        try (LogCapture log = LogCapture.of("dev.vigil.runtime.discovery.etcd")) {
            etcd.kill();
            // The deadline is the last renewal + TTL; the loss is noticed at the deadline.
            await().atMost(TTL.plusSeconds(3)).until(() -> first.get() == 1 && second.get() == 1);
            assertTrue(
                    log.has("ERROR", "Unable to maintain lease. Check etcd server status"),
                    log.lines().toString());
        } finally {
            etcd.start();
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> first.get() == 1);
        assertEquals(1, second.get());
        var e = assertThrows(DiscoveryException.class, () -> worker.register(generate));
        assertTrue(e.getMessage().contains("lost"), e.getMessage());
        AtomicInteger late = new AtomicInteger();
        worker.onLeaseLost(late::incrementAndGet);
        await().atMost(DELIVERY).until(() -> late.get() == 1);
    }

    @Test
    void withReregisterALeaseEtcdDroppedIsReplacedAndEveryKeyWrittenAgain() throws Exception {
        EtcdDiscovery worker = connectReregistering();
        AtomicInteger lost = new AtomicInteger();
        worker.onLeaseLost(lost::incrementAndGet);
        Instance generate = endpoint("generate").instance(worker.instanceId());
        ModelCard card = new ModelCard("mock-model", endpoint("generate"), worker.instanceId(), 1024, 16, 256);
        worker.register(generate);
        worker.registerModel(card);

        // What an expiry does (etcd partitioned from the worker for longer than the TTL): the lease
        // and its keys are gone.
        raw.getLeaseClient().revoke(worker.instanceId().value()).get(5, TimeUnit.SECONDS);
        assertTrue(rawGet(DiscoveryKeys.instance(generate)).isEmpty());

        // At the next renewal the worker finds out and registers again, under a new lease, with the
        // same instance id (its subjects do not change).
        await().atMost(TTL.plus(DELIVERY))
                .until(() -> rawGet(DiscoveryKeys.instance(generate)).isPresent()
                        && rawGet(DiscoveryKeys.model(card)).isPresent());
        KeyValue again = rawGet(DiscoveryKeys.instance(generate)).orElseThrow();
        assertNotEquals(worker.instanceId().value(), again.getLease());
        assertEquals(DiscoveryJson.encode(generate), again.getValue().toString(UTF_8));
        assertEquals(
                again.getLease(),
                rawGet(DiscoveryKeys.model(card)).orElseThrow().getLease());
        // And keeps the new lease alive.
        await().during(TTL.multipliedBy(2))
                .atMost(TTL.multipliedBy(3))
                .until(() -> rawGet(DiscoveryKeys.instance(generate)).isPresent());
        assertEquals(0, lost.get());
        // Unregistering still works under the new lease.
        worker.unregister(generate);
        assertTrue(rawGet(DiscoveryKeys.instance(generate)).isEmpty());
    }

    @Test
    void withReregisterAnOutageLongerThanTheTtlLosesNothing() {
        EtcdDiscovery worker = connectReregistering();
        AtomicInteger lost = new AtomicInteger();
        worker.onLeaseLost(lost::incrementAndGet);
        Instance generate = endpoint("generate").instance(worker.instanceId());
        worker.register(generate);

        try (LogCapture log = LogCapture.of("dev.vigil.runtime.discovery.etcd")) {
            etcd.kill();
            try {
                // Three TTLs down: with the default policy the lease is lost after one.
                await().during(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(4)).until(() -> lost.get() == 0);
                assertTrue(
                        log.has("WARN", "Lease " + worker.instanceId().hex() + " not renewed within its TTL"),
                        log.lines().toString());
            } finally {
                etcd.start();
            }
            long renewalsBefore = worker.leaseRenewals();
            await().atMost(TTL.plus(DELIVERY)).until(() -> worker.leaseRenewals() > renewalsBefore);
        }
        assertEquals(0, lost.get());
        await().atMost(DELIVERY).until(() -> worker.instances().contains(generate));
    }

    @Test
    void theLeaseIsLostAtTheNextRenewalWhenEtcdSaysItIsGone() throws Exception {
        EtcdDiscovery worker = connect();
        AtomicInteger lost = new AtomicInteger();
        worker.onLeaseLost(lost::incrementAndGet);

        raw.getLeaseClient().revoke(worker.instanceId().value()).get(5, TimeUnit.SECONDS);

        // Renewals run every TTL/3; the first after the revoke hears "lease not found".
        await().atMost(TTL.dividedBy(3).plusSeconds(2)).until(() -> lost.get() == 1);
        try (LogCapture log = LogCapture.of("dev.vigil.runtime.discovery.etcd")) {
            worker.close();
            assertTrue(
                    log.has("INFO", "Lease " + worker.instanceId() + " was already gone"),
                    log.lines().toString());
        }
        assertEquals(1, lost.get());
    }

    @Test
    void severalEndpointsAreOneClusterAndADeadOneIsSkipped() {
        String dead = "127.0.0.1:" + FreePort.next(); // a bare host:port means http
        EtcdDiscovery worker = EtcdDiscovery.connect(List.of(dead, etcd.endpoint()), TTL);
        opened.add(worker);
        Instance generate = endpoint("generate").instance(worker.instanceId());
        worker.register(generate);
        assertTrue(worker.instances().contains(generate));
    }

    @Test
    void connectingToADeadEndpointFailsFastSayingWhere() {
        String dead = "http://127.0.0.1:" + FreePort.next();
        long start = System.nanoTime();
        var e = assertThrows(DiscoveryException.class, () -> EtcdDiscovery.connect(List.of(dead), TTL));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(e.getMessage().startsWith("Cannot reach etcd at " + dead), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        // Bounded by the connect timeout (a gRPC channel alone would retry forever); twice it leaves
        // room for a loaded machine.
        assertTrue(
                took.compareTo(EtcdDiscovery.CONNECT_TIMEOUT.multipliedBy(2)) < 0, "took " + took.toMillis() + " ms");
    }
}
