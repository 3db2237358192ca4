package dev.vigil.runtime.discovery;

import java.util.List;
import java.util.Optional;

import dev.vigil.runtime.model.HealthVerdict;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.ModelCard;

/**
 * Where workers announce their endpoint instances and models, and where frontends find them. One per
 * process. With etcd, everything a process registers lives under its one primary lease, whose id is
 * the process's {@link #instanceId()}: when the process dies the lease expires and all its keys go at
 * once; when it closes normally the lease is revoked.
 *
 * <p>Keys and values are Dynamo's (reference §2.5.1), built in {@link DiscoveryKeys} and {@link
 * DiscoveryJson}.
 */
public interface Discovery extends AutoCloseable {

    /** This process's id, shared by all its endpoints: the primary lease id with etcd. */
    InstanceId instanceId();

    /**
     * Registers an endpoint instance of this process, create-if-absent under the primary lease.
     * Idempotent for the same instance. Blocks until written.
     *
     * @throws DiscoveryException when it cannot be written
     */
    void register(Instance instance);

    /** Removes an endpoint instance of this process. Blocks until deleted. */
    void unregister(Instance instance);

    /** Registers a model card of this process, like {@link #register(Instance)}. */
    void registerModel(ModelCard card);

    /** Removes a model card of this process. */
    void unregisterModel(ModelCard card);

    /** Every endpoint instance in discovery now, across namespaces. */
    List<Instance> instances();

    /** Every model card in discovery now. */
    List<ModelCard> models();

    /**
     * Watches all endpoint instances: the listener first gets the current list, then every change.
     * A broken watch reconnects by itself and resumes without losing a change (after a reconnect the
     * listener is told the difference between what it last saw and the state now).
     */
    Subscription watchInstances(DiscoveryListener<Instance> listener);

    /** Watches all model cards, with the same guarantees as {@link #watchInstances}. */
    Subscription watchModels(DiscoveryListener<ModelCard> listener);

    /**
     * Vigil's: marks this process as draining in discovery (under its lease, so the mark goes with
     * the process), or removes the mark. Frontends leave a draining process out of routing; the
     * mark lives here rather than in one frontend's memory so every frontend, and one started later,
     * honours it. Idempotent. Blocks until written.
     *
     * @throws DiscoveryException when it cannot be written
     */
    void markDraining(boolean draining);

    /** Watches the draining marks of all processes, with the same guarantees as {@link #watchInstances}. */
    Subscription watchDraining(DiscoveryListener<InstanceId> listener);

    /**
     * Vigil's: writes this process's verdict on a worker ({@link HealthVerdict}; its reporter must be
     * this process), replacing the previous one, under the primary lease. Blocks until written.
     *
     * @throws DiscoveryException when it cannot be written
     */
    void publishVerdict(HealthVerdict verdict);

    /** Removes this process's verdict on {@code worker}, if any. */
    void withdrawVerdict(InstanceId worker);

    /** Watches every process's verdicts, with the same guarantees as {@link #watchInstances}. */
    Subscription watchVerdicts(DiscoveryListener<HealthVerdict> listener);

    /**
     * Registers a callback for when the primary lease is lost for good (it could not be renewed
     * before it expired): the process's registrations are gone and it must stop serving.
     */
    void onLeaseLost(Runnable callback);

    /**
     * What is wrong with discovery right now, if anything (a watch reconnecting because etcd is
     * unreachable), for health views; empty when all is well. Watchers keep their last state meanwhile.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /** Stops watches and revokes the primary lease, removing every key this process registered. */
    @Override
    void close();
}
