package dev.vigil.runtime.discovery.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import org.jboss.logging.Logger;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.options.GetOption;

import dev.vigil.runtime.config.LeaseLossPolicy;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.DiscoveryException;
import dev.vigil.runtime.discovery.DiscoveryJson;
import dev.vigil.runtime.discovery.DiscoveryKeys;
import dev.vigil.runtime.discovery.DiscoveryListener;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.HealthVerdict;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.time.Clock;

/**
 * {@link Discovery} on etcd, as Dynamo does it: one primary lease per process, whose id is the
 * process's {@link #instanceId()}, and every key the process registers attached to it. The lease is
 * renewed on a thread of its own ({@link LeaseKeeper}); the keys are written and rewritten by {@link
 * EtcdRegistrations}; watches reconnect by themselves ({@link EtcdWatch}). Every call to etcd is bounded: an unreachable etcd makes a call fail with a {@link
 * DiscoveryException}, never hang.
 */
public final class EtcdDiscovery implements Discovery {

    private static final Logger LOG = Logger.getLogger(EtcdDiscovery.class);

    /** How long {@link #connect} tries before it says etcd cannot be reached. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The bound on any one register, unregister or listing. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** Closing waits this long for the revoke; after that the lease expires on its own. */
    static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(3);

    private final Client client;
    private final KV kv;
    private final List<String> endpoints;
    private final InstanceId instanceId;
    private final long ttlSeconds;
    private final LeaseKeeper keeper;
    private final List<EtcdWatch<?>> watches = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EtcdRegistrations registrations;
    private final Clock clock;

    private EtcdDiscovery(
            Client client,
            List<String> endpoints,
            LeaseGrantResponse grant,
            long grantSentNanos,
            LeaseLossPolicy leaseLoss,
            Clock clock) {
        this.client = client;
        this.kv = client.getKVClient();
        this.clock = clock;
        this.registrations = new EtcdRegistrations(kv, REQUEST_TIMEOUT, clock);
        this.endpoints = endpoints;
        // The instance id is the first lease's id, as in Dynamo, and stays this process's id when a
        // replacement lease carries its registrations.
        this.instanceId = new InstanceId(grant.getID());
        this.ttlSeconds = grant.getTTL();
        this.keeper = new LeaseKeeper(
                client.getLeaseClient(),
                grant.getID(),
                ttlSeconds,
                grantSentNanos,
                leaseLoss == LeaseLossPolicy.REREGISTER ? registrations::reregister : null,
                clock);
    }

    /**
     * Connects to etcd and grants this process's primary lease.
     *
     * @param endpoints etcd client URLs ({@code http://host:2379}; a bare {@code host:port} means
     *     http); several are one HA cluster
     * @param leaseTtl the lease TTL, rounded up to whole seconds, at least 1 s (etcd may grant more:
     *     it enforces a minimum of about 2 s)
     * @throws DiscoveryException naming the endpoints when etcd cannot be reached within {@link
     *     #CONNECT_TIMEOUT} (5 s; the apps wait {@code ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS})
     */
    public static EtcdDiscovery connect(List<String> endpoints, Duration leaseTtl) {
        return connect(endpoints, leaseTtl, LeaseLossPolicy.EXIT);
    }

    /**
     * As {@link #connect(List, Duration)}, with what happens when the lease cannot be kept: with
     * {@link LeaseLossPolicy#EXIT} the lease-lost callbacks run; with {@link
     * LeaseLossPolicy#REREGISTER} they never do, and a lease etcd dropped is replaced with every
     * registration written again under the new one.
     */
    public static EtcdDiscovery connect(List<String> endpoints, Duration leaseTtl, LeaseLossPolicy leaseLoss) {
        return connect(endpoints, leaseTtl, leaseLoss, Clock.SYSTEM);
    }

    /** As {@link #connect(List, Duration, LeaseLossPolicy)}, with every deadline measured on {@code clock}. */
    public static EtcdDiscovery connect(
            List<String> endpoints, Duration leaseTtl, LeaseLossPolicy leaseLoss, Clock clock) {
        return connect(endpoints, leaseTtl, leaseLoss, CONNECT_TIMEOUT, clock);
    }

    /**
     * As {@link #connect(List, Duration, LeaseLossPolicy, Clock)}, trying for {@code startupTimeout}
     * while etcd cannot be reached ({@code ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS}), saying every 10 s
     * that it still waits.
     */
    public static EtcdDiscovery connect(
            List<String> endpoints,
            Duration leaseTtl,
            LeaseLossPolicy leaseLoss,
            Duration startupTimeout,
            Clock clock) {
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(leaseLoss, "leaseLoss");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        long ttl = (leaseTtl.toMillis() + 999) / 1000;
        if (ttl < 1) {
            throw new IllegalArgumentException("lease TTL must be at least 1 s, got " + leaseTtl);
        }
        List<String> urls = EtcdClients.urls(endpoints);
        String where = String.join(",", urls);
        Client client = EtcdClients.build(urls);
        // When the attempt that succeeded was sent: the lease lives at least its TTL from then. Not
        // when the first attempt was sent: while etcd is (re)starting the grant is retried for seconds,
        // and a deadline anchored before the retries would pass before the first renewal.
        long[] sent = new long[1];
        LeaseGrantResponse grant;
        try {
            grant = Calls.retrying(
                    () -> {
                        sent[0] = clock.nanoTime();
                        return client.getLeaseClient().grant(ttl);
                    },
                    startupTimeout,
                    "Cannot reach etcd at " + where,
                    clock);
        } catch (RuntimeException e) {
            client.close();
            throw e instanceof DiscoveryException d
                    ? d
                    : new DiscoveryException("Cannot reach etcd at " + where + ": " + Calls.describe(e), e);
        }
        EtcdDiscovery discovery = new EtcdDiscovery(client, urls, grant, sent[0], leaseLoss, clock);
        discovery.keeper.start();
        LOG.infof(
                "Connected to etcd at %s; primary lease %s, TTL %d s",
                where, discovery.instanceId, discovery.ttlSeconds);
        return discovery;
    }

    @Override
    public InstanceId instanceId() {
        return instanceId;
    }

    /** The TTL etcd granted the primary lease. */
    public Duration leaseTtl() {
        return Duration.ofSeconds(ttlSeconds);
    }

    @Override
    public void register(Instance instance) {
        requireOwn(instance.id());
        create(DiscoveryKeys.instance(instance), DiscoveryJson.encode(instance));
    }

    @Override
    public void unregister(Instance instance) {
        requireOwn(instance.id());
        delete(DiscoveryKeys.instance(instance));
    }

    @Override
    public void registerModel(ModelCard card) {
        requireOwn(card.instanceId());
        create(DiscoveryKeys.model(card), DiscoveryJson.encode(card));
    }

    @Override
    public void unregisterModel(ModelCard card) {
        requireOwn(card.instanceId());
        delete(DiscoveryKeys.model(card));
    }

    @Override
    public List<Instance> instances() {
        return list(DiscoveryKeys.INSTANCES_PREFIX, DiscoveryJson::decodeInstance);
    }

    @Override
    public List<ModelCard> models() {
        return list(DiscoveryKeys.MODELS_PREFIX, DiscoveryJson::decodeModel);
    }

    @Override
    public Subscription watchInstances(DiscoveryListener<Instance> listener) {
        return watch(DiscoveryKeys.INSTANCES_PREFIX, DiscoveryJson::decodeInstance, listener);
    }

    @Override
    public Subscription watchModels(DiscoveryListener<ModelCard> listener) {
        return watch(DiscoveryKeys.MODELS_PREFIX, DiscoveryJson::decodeModel, listener);
    }

    @Override
    public void markDraining(boolean draining) {
        String key = DiscoveryKeys.draining(instanceId);
        if (draining) {
            create(key, DiscoveryJson.encodeDraining(instanceId));
        } else {
            delete(key);
        }
    }

    @Override
    public Subscription watchDraining(DiscoveryListener<InstanceId> listener) {
        return watch(DiscoveryKeys.DRAINING_PREFIX, DiscoveryJson::decodeDraining, listener);
    }

    @Override
    public void publishVerdict(HealthVerdict verdict) {
        requireOwn(verdict.reporter());
        requireUsable();
        registrations.put(
                DiscoveryKeys.verdict(verdict.worker(), verdict.reporter()),
                DiscoveryJson.encode(verdict),
                keeper.leaseId());
    }

    @Override
    public void withdrawVerdict(InstanceId worker) {
        delete(DiscoveryKeys.verdict(worker, instanceId));
    }

    @Override
    public Subscription watchVerdicts(DiscoveryListener<HealthVerdict> listener) {
        return watch(DiscoveryKeys.VERDICTS_PREFIX, DiscoveryJson::decodeVerdict, listener);
    }

    @Override
    public void onLeaseLost(Runnable callback) {
        keeper.onLost(Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public Optional<String> problem() {
        return watches.stream()
                .map(EtcdWatch::trouble)
                .flatMap(Optional::stream)
                .findFirst();
    }

    /**
     * Stops watches and the keep-alive, revokes the primary lease (bounded by {@link #REVOKE_TIMEOUT};
     * if that fails the keys expire with the lease) and disconnects. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopWatches();
        keeper.stop();
        try {
            Calls.retrying(
                    () -> client.getLeaseClient().revoke(keeper.leaseId()),
                    REVOKE_TIMEOUT,
                    "Revoking lease " + instanceId,
                    clock);
            LOG.infof("Lease %s revoked", instanceId);
        } catch (DiscoveryException e) {
            if (Calls.isLeaseNotFound(e.getCause())) {
                LOG.infof("Lease %s was already gone", instanceId);
            } else {
                LOG.warnf("%s; its keys expire with it within %d s", e.getMessage(), ttlSeconds);
            }
        }
        client.close();
    }

    /**
     * Goes away like a crashed process: stops renewing and drops the connection without revoking,
     * so the keys stay until the lease expires. For tests of expiry.
     */
    void abandon() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopWatches();
        keeper.stop();
        client.close();
    }

    /** How many times the lease was renewed: lets tests see renewals resume after an outage. */
    long leaseRenewals() {
        return keeper.renewals();
    }

    private void stopWatches() {
        List<EtcdWatch<?>> open = new ArrayList<>(watches);
        open.forEach(EtcdWatch::close);
        open.forEach(w -> w.awaitClosed(Duration.ofSeconds(1)));
    }

    private void create(String key, String value) {
        requireUsable();
        registrations.create(key, value, keeper.leaseId());
    }

    private void delete(String key) {
        registrations.delete(key, closed.get());
    }

    private <T> List<T> list(String prefix, BiFunction<String, byte[], Optional<T>> decode) {
        requireOpen();
        GetResponse listing = Calls.retrying(
                () -> kv.get(
                        EtcdRegistrations.bytes(prefix),
                        GetOption.builder().isPrefix(true).build()),
                REQUEST_TIMEOUT,
                "Listing " + prefix,
                clock);
        List<T> values = new ArrayList<>();
        for (KeyValue entry : listing.getKvs()) {
            decode.apply(entry.getKey().toString(UTF_8), entry.getValue().getBytes())
                    .ifPresent(values::add);
        }
        return List.copyOf(values);
    }

    private <T> Subscription watch(
            String prefix, BiFunction<String, byte[], Optional<T>> decode, DiscoveryListener<T> listener) {
        Objects.requireNonNull(listener, "listener");
        requireOpen();
        EtcdWatch<T> watch = new EtcdWatch<>(
                prefix, kv, client.getWatchClient(), decode, listener, REQUEST_TIMEOUT, watches::remove);
        watches.add(watch);
        watch.start();
        return watch;
    }

    private void requireOwn(InstanceId owner) {
        if (!instanceId.equals(owner)) {
            throw new IllegalArgumentException(
                    "instance id " + owner + " is not this process's (" + instanceId + "): register only your own");
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new DiscoveryException("Discovery is closed");
        }
    }

    private void requireUsable() {
        requireOpen();
        if (keeper.isLost()) {
            throw new DiscoveryException("Lease " + instanceId + " is lost: cannot register");
        }
    }

    @Override
    public String toString() {
        return "EtcdDiscovery[" + String.join(",", endpoints) + ", lease " + instanceId + "]";
    }
}
