package dev.vigil.runtime.discovery.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import dev.vigil.runtime.config.LeaseLossPolicy;
import dev.vigil.runtime.discovery.DiscoveryException;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.time.Clock;

/**
 * The keys this process registered under its lease, with their values, in order: written
 * create-if-absent, deleted, and written again under a new lease when etcd dropped the old one
 * ({@link LeaseLossPolicy#REREGISTER}). Every write is bounded by the request timeout.
 */
final class EtcdRegistrations {

    private static final Logger LOG = Logger.getLogger(EtcdRegistrations.class);

    private final KV kv;
    private final Duration timeout;
    private final Clock clock;
    /** Guarded by itself. */
    private final Map<String, String> registered = new LinkedHashMap<>();

    EtcdRegistrations(KV kv, Duration timeout, Clock clock) {
        this.kv = kv;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Writes {@code key} under {@code lease} unless it exists; a repeat of our own registration succeeds. */
    void create(String key, String value, long lease) {
        ByteSequence k = bytes(key);
        ByteSequence v = bytes(value);
        // Create-if-absent: a key that exists is never overwritten, whoever wrote it; if it is
        // already ours with the same value the registration is simply repeated (idempotent).
        TxnResponse txn = Calls.retrying(
                () -> kv.txn()
                        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .Then(Op.put(
                                k, v, PutOption.builder().withLeaseId(lease).build()))
                        .Else(Op.get(k, GetOption.DEFAULT))
                        .commit(),
                timeout,
                "Registering " + key,
                clock);
        if (txn.isSucceeded()) {
            remember(key, value);
            return;
        }
        List<KeyValue> existing = txn.getGetResponses().isEmpty()
                ? List.of()
                : txn.getGetResponses().get(0).getKvs();
        if (existing.isEmpty()) {
            throw new DiscoveryException("Registering " + key + ": it changed concurrently; try again");
        }
        KeyValue current = existing.get(0);
        if (current.getLease() != lease) {
            throw new DiscoveryException("Discovery key " + key + " is owned by another lease ("
                    + (current.getLease() == 0 ? "none" : new InstanceId(current.getLease()).hex()) + ")");
        }
        if (!current.getValue().equals(v)) {
            throw new DiscoveryException("Discovery key " + key + " is already registered with another value");
        }
        remember(key, value);
    }

    /**
     * Writes {@code key} under {@code lease} whatever it held: for keys only this process writes
     * (they name its instance id), whose value changes over time.
     */
    void put(String key, String value, long lease) {
        PutOption under = PutOption.builder().withLeaseId(lease).build();
        Calls.retrying(() -> kv.put(bytes(key), bytes(value), under), timeout, "Writing " + key, clock);
        remember(key, value);
    }

    /**
     * Forgets {@code key} and, unless {@code leaseRevoked} (closing revoked the lease: the key is
     * gone already), deletes it from etcd.
     */
    void delete(String key, boolean leaseRevoked) {
        synchronized (registered) {
            registered.remove(key);
        }
        if (leaseRevoked) {
            return;
        }
        Calls.retrying(() -> kv.delete(bytes(key)), timeout, "Unregistering " + key, clock);
    }

    /**
     * Writes every registration again under {@code newLease}: etcd dropped the old lease and its keys
     * with it. A plain put, not create-if-absent: these keys name this process's instance id, so
     * nobody else writes them. Runs on the keep-alive thread, which retries if this throws.
     */
    void reregister(long newLease) {
        Map<String, String> all;
        synchronized (registered) {
            all = new LinkedHashMap<>(registered);
        }
        PutOption under = PutOption.builder().withLeaseId(newLease).build();
        all.forEach((key, value) -> Calls.retrying(
                () -> kv.put(bytes(key), bytes(value), under), timeout, "Registering " + key + " again", clock));
        LOG.infof("Registered %d key(s) again under lease %s", all.size(), Long.toHexString(newLease));
    }

    private void remember(String key, String value) {
        synchronized (registered) {
            registered.put(key, value);
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }
}
