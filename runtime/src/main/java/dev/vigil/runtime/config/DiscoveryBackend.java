package dev.vigil.runtime.config;

import java.util.Map;

/** Which discovery backend a process uses. */
public enum DiscoveryBackend {
    ETCD,
    MEM;

    /** {@code etcd} (or Dynamo's {@code kv_store}) or {@code mem}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<DiscoveryBackend> {

        private static final EnumNames<DiscoveryBackend> NAMES =
                new EnumNames<>("expected 'etcd' or 'mem'", Map.of("etcd", ETCD, "kv_store", ETCD, "mem", MEM));

        @Override
        public DiscoveryBackend convert(String value) {
            return NAMES.parse(value);
        }
    }
}
