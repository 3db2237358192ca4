package dev.vigil.runtime.config;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The servers a process talks to, under Dynamo's un-prefixed names {@code ETCD_ENDPOINTS} and {@code
 * NATS_SERVER}.
 */
public interface InfrastructureConfig {

    @ConfigMapping(prefix = "etcd")
    interface Etcd {

        /** {@code ETCD_ENDPOINTS}: comma-separated etcd client URLs; several for an HA cluster. */
        @WithDefault("http://localhost:2379")
        @WithConverter(UrlListConverter.class)
        UrlList endpoints();

        /**
         * {@code ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS} (Dynamo's): how long a process starting while
         * etcd cannot be reached keeps trying before it exits 1 saying so, whole seconds, at least 1.
         * Start-up order then does not matter: a frontend or worker started before etcd waits for it,
         * logging every 10 s.
         */
        @WithName("startup-connect-timeout-seconds")
        @WithDefault("120")
        @WithConverter(SecondsConverter.AtLeastOne.class)
        Duration startupConnectTimeout();
    }

    @ConfigMapping(prefix = "nats")
    interface Nats {

        /** {@code NATS_SERVER}: the NATS server URL. */
        @WithDefault("nats://localhost:4222")
        String server();

        /**
         * {@code NATS_STARTUP_CONNECT_TIMEOUT_SECONDS} (Vigil's; Dynamo has none for NATS): as
         * {@code ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS}, how long a process on the NATS plane started
         * while nats-server cannot be reached keeps trying before it exits 1 saying so, whole seconds,
         * at least 1, logging every 10 s.
         */
        @WithName("startup-connect-timeout-seconds")
        @WithDefault("120")
        @WithConverter(SecondsConverter.AtLeastOne.class)
        Duration startupConnectTimeout();
    }

    /** A comma-separated list of URLs, such as {@code http://10.0.0.1:2379,http://10.0.0.2:2379}. */
    record UrlList(List<String> urls) {
        public UrlList {
            urls = List.copyOf(urls);
        }
    }
}
