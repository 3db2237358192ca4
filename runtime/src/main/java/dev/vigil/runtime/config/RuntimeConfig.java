package dev.vigil.runtime.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Where a process finds its peers: the Dynamo namespace, the discovery backend and the request plane. */
@ConfigMapping(prefix = "dyn")
public interface RuntimeConfig {

    /** {@code DYN_NAMESPACE}: the namespace this process's endpoints live in. */
    @WithDefault("dynamo")
    @WithConverter(NameConverter.class)
    String namespace();

    /** {@code DYN_DISCOVERY_BACKEND}: {@code etcd} (the default) or {@code mem} (in-process, for tests). */
    @WithDefault("etcd")
    @WithConverter(DiscoveryBackend.Converter.class)
    DiscoveryBackend discoveryBackend();

    /**
     * {@code DYN_REQUEST_PLANE}: {@code tcp} (the default, as in Dynamo: direct connections, no
     * broker), {@code nats} (through nats-server) or {@code local} (in-process, for tests).
     */
    @WithDefault("tcp")
    @WithConverter(RequestPlaneKind.Converter.class)
    RequestPlaneKind requestPlane();

    /**
     * {@code DYN_TCP_RPC_HOST} (Dynamo's name): with the TCP plane, the address a worker listens on
     * and publishes; unset or a wildcard listens everywhere and publishes this machine's address.
     */
    @WithName("tcp-rpc-host")
    @WithConverter(HostConverter.class)
    Optional<String> tcpRpcHost();

    /**
     * {@code DYN_TCP_RPC_PORT} (Dynamo's name): with the TCP plane, the port a worker listens on; 0
     * (the default) takes a free one, which is the one published.
     */
    @WithName("tcp-rpc-port")
    @WithDefault("0")
    @WithConverter(PortConverter.class)
    int tcpRpcPort();

    /** etcd settings Vigil adds to Dynamo's. */
    Etcd etcd();

    interface Etcd {

        /**
         * {@code DYN_ETCD_LEASE_TTL}: TTL of the process's primary lease in whole seconds (Dynamo
         * hard-codes 10). A worker that dies vanishes from discovery within this time.
         */
        @WithDefault("10")
        @WithConverter(SecondsConverter.AtLeastOne.class)
        Duration leaseTtl();

        /**
         * {@code DYN_ETCD_LEASE_LOSS}: {@code exit} (Dynamo's behaviour: a worker whose lease cannot
         * be renewed within its TTL exits 1) or {@code reregister} (it keeps serving and, once etcd
         * answers, renews the lease or registers again under a new one).
         */
        @WithDefault("exit")
        @WithConverter(LeaseLossPolicy.Converter.class)
        LeaseLossPolicy leaseLoss();
    }
}
