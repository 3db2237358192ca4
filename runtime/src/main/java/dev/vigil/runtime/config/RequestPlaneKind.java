package dev.vigil.runtime.config;

import java.util.Map;

/** Which request plane a process uses. */
public enum RequestPlaneKind {
    /** Direct TCP connections from caller to worker, no broker (Dynamo's default). */
    TCP,
    /** Through nats-server. */
    NATS,
    /** In process, for tests. */
    LOCAL;

    /** {@code tcp}, {@code nats} or {@code local}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<RequestPlaneKind> {

        private static final EnumNames<RequestPlaneKind> NAMES =
                new EnumNames<>("expected 'tcp', 'nats' or 'local'", Map.of("tcp", TCP, "nats", NATS, "local", LOCAL));

        @Override
        public RequestPlaneKind convert(String value) {
            return NAMES.parse(value);
        }
    }
}
