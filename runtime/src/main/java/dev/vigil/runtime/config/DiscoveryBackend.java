package dev.vigil.runtime.config;

import java.util.Locale;

/** Which discovery backend a process uses. */
public enum DiscoveryBackend {
    ETCD,
    MEM;

    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<DiscoveryBackend> {
        @Override
        public DiscoveryBackend convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "etcd", "kv_store" -> ETCD;
                case "mem" -> MEM;
                default -> throw new IllegalArgumentException("expected 'etcd' or 'mem'");
            };
        }
    }
}
