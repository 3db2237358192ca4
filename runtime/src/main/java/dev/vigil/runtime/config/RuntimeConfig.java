package dev.vigil.runtime.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

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

    /** {@code DYN_REQUEST_PLANE}: {@code nats} (the default) or {@code local} (in-process, for tests). */
    @WithDefault("nats")
    @WithConverter(RequestPlaneKind.Converter.class)
    RequestPlaneKind requestPlane();

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
