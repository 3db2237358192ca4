package dev.vigil.runtime.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.vigil.runtime.config.InfrastructureConfig;
import dev.vigil.runtime.config.RequestPlaneKind;
import dev.vigil.runtime.config.RuntimeConfig;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.etcd.EtcdDiscovery;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.local.LocalRequestPlane;
import dev.vigil.runtime.transport.nats.NatsPlaneSettings;
import dev.vigil.runtime.transport.nats.NatsRequestPlane;
import dev.vigil.runtime.transport.tcp.TcpPlaneSettings;
import dev.vigil.runtime.transport.tcp.TcpRequestPlane;

/**
 * The process's one discovery client and one request plane, chosen by configuration. Both connect
 * when first used; the apps touch them at start-up so an unreachable etcd or NATS stops the process
 * with one line saying which. The TCP plane needs no server: it opens its port when the worker first
 * addresses an endpoint, and connections when the frontend first calls.
 */
@ApplicationScoped
public class RuntimeBeans {

    @Produces
    @Singleton
    Discovery discovery(RuntimeConfig config, InfrastructureConfig.Etcd etcd, Clock clock) {
        return switch (config.discoveryBackend()) {
            case ETCD -> EtcdDiscovery.connect(
                    etcd.endpoints().urls(),
                    config.etcd().leaseTtl(),
                    config.etcd().leaseLoss(),
                    etcd.startupConnectTimeout(),
                    clock);
            case MEM -> new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        };
    }

    void closeDiscovery(@Disposes Discovery discovery) {
        discovery.close();
    }

    /**
     * The process's one request plane. Its bean types are {@code RequestPlane} and every interface it
     * extends, so code that injects only one side ({@code PlaneClient}, {@code PlaneServer}, {@code
     * EventPlane}) gets this same plane: no producer of its own is needed, and one would be ambiguous.
     */
    @Produces
    @Singleton
    RequestPlane requestPlane(
            RuntimeConfig config,
            InfrastructureConfig.Nats nats,
            Instance<Vertx> vertx,
            Instance<Discovery> discovery) {
        return switch (config.requestPlane()) {
                // The application's Vert.x: frames are read on the event loops the HTTP server runs on.
                // Discovery tells the plane where event publishers are.
            case TCP -> TcpRequestPlane.create(
                    vertx.get(),
                    TcpPlaneSettings.defaults()
                            .withListener(config.tcpRpcHost().orElse(TcpPlaneSettings.WILDCARD), config.tcpRpcPort()),
                    discovery.get());
            case NATS -> NatsRequestPlane.connect(
                    nats.server(), NatsPlaneSettings.defaults(), nats.startupConnectTimeout(), Clock.SYSTEM);
            case LOCAL -> LocalRequestPlane.shared();
        };
    }

    void closeRequestPlane(@Disposes RequestPlane plane, RuntimeConfig config) {
        // The local plane is shared by everything in this JVM; closing it here would cut the others.
        if (config.requestPlane() != RequestPlaneKind.LOCAL) {
            plane.close();
        }
    }

    /** The process's clock: beans that measure or schedule time inject it; tests replace it. */
    @Produces
    @Singleton
    @io.quarkus.arc.DefaultBean
    Clock clock() {
        return Clock.SYSTEM;
    }
}
