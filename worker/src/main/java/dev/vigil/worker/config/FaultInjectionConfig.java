package dev.vigil.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import dev.vigil.runtime.config.StrictBooleanConverter;

/** Fault injection for tests and drills; off in production. */
@ConfigMapping(prefix = "dyn.fault-injection")
public interface FaultInjectionConfig {

    /**
     * {@code DYN_FAULT_INJECTION_ENABLED}: {@code true} adds {@code POST /engine/fault} to the system
     * status server, which makes the mock engine die, hang or stall. Only {@code true}/{@code false}.
     */
    @WithDefault("false")
    @WithConverter(StrictBooleanConverter.class)
    boolean enabled();
}
