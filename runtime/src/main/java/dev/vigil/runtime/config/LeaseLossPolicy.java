package dev.vigil.runtime.config;

import java.util.Map;

/** What a process does when its etcd lease cannot be kept ({@code DYN_ETCD_LEASE_LOSS}). */
public enum LeaseLossPolicy {
    /**
     * Dynamo's: the registrations are gone, so the process stops (a worker exits 1) and its
     * orchestrator restarts it.
     */
    EXIT,
    /**
     * Vigil's: keep serving what reaches the process, keep trying etcd, and once it answers renew the
     * lease if it survived or register everything again under a new one if it did not.
     */
    REREGISTER;

    /** {@code exit} or {@code reregister}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<LeaseLossPolicy> {

        private static final EnumNames<LeaseLossPolicy> NAMES =
                new EnumNames<>("expected 'exit' or 'reregister'", Map.of("exit", EXIT, "reregister", REREGISTER));

        @Override
        public LeaseLossPolicy convert(String value) {
            return NAMES.parse(value);
        }
    }
}
