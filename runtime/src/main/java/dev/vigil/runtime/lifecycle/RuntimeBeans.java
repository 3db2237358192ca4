package dev.vigil.runtime.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.vigil.runtime.config.InfrastructureConfig;
import dev.vigil.runtime.config.RequestPlaneKind;
import dev.vigil.runtime.config.RuntimeConfig;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.etcd.EtcdDiscovery;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.local.LocalRequestPlane;
import dev.vigil.runtime.transport.nats.NatsPlaneSettings;
import dev.vigil.runtime.transport.nats.NatsRequestPlane;

/**
 * The process's one discovery client and one request plane, chosen by configuration. Both connect
 * when first used; the apps touch them at start-up so an unreachable etcd or NATS stops the process
 * with one line saying which.
 */
@ApplicationScoped
public class RuntimeBeans {

    @Produces
    @Singleton
    Discovery discovery(RuntimeConfig config, InfrastructureConfig.Etcd etcd) {
        return switch (config.discoveryBackend()) {
            case ETCD -> EtcdDiscovery.connect(
                    etcd.endpoints().urls(),
                    config.etcd().leaseTtl(),
                    config.etcd().leaseLoss());
            case MEM -> new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        };
    }

    void closeDiscovery(@Disposes Discovery discovery) {
        discovery.close();
    }

    @Produces
    @Singleton
    RequestPlane requestPlane(RuntimeConfig config, InfrastructureConfig.Nats nats) {
        return switch (config.requestPlane()) {
            case NATS -> NatsRequestPlane.connect(nats.server(), NatsPlaneSettings.defaults());
            case LOCAL -> LocalRequestPlane.shared();
        };
    }

    void closeRequestPlane(@Disposes RequestPlane plane, RuntimeConfig config) {
        // The local plane is shared by everything in this JVM; closing it here would cut the others.
        if (config.requestPlane() != RequestPlaneKind.LOCAL) {
            plane.close();
        }
    }
}
