package dev.vigil.runtime.config;

import java.util.Locale;

/** Which request plane a process uses. */
public enum RequestPlaneKind {
    NATS,
    LOCAL;

    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<RequestPlaneKind> {
        @Override
        public RequestPlaneKind convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "nats" -> NATS;
                case "local" -> LOCAL;
                default -> throw new IllegalArgumentException("expected 'nats' or 'local'");
            };
        }
    }
}
