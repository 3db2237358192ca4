package dev.vigil.runtime.config;

import java.util.Map;

/** Which request plane a process uses. */
public enum RequestPlaneKind {
    NATS,
    LOCAL;

    /** {@code nats} or {@code local}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<RequestPlaneKind> {

        private static final EnumConverter<RequestPlaneKind> NAMES =
                new EnumConverter<>("expected 'nats' or 'local'", Map.of("nats", NATS, "local", LOCAL));

        @Override
        public RequestPlaneKind convert(String value) {
            return NAMES.convert(value);
        }
    }
}
