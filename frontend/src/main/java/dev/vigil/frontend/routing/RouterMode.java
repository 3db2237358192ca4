package dev.vigil.frontend.routing;

import java.util.Locale;

/** How the frontend picks an instance for a request ({@code DYN_ROUTER_MODE}). */
public enum RouterMode {
    /** Each instance in turn, in discovery order. */
    ROUND_ROBIN,
    /** An instance chosen uniformly at random. */
    RANDOM;

    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<RouterMode> {
        @Override
        public RouterMode convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "round-robin", "round_robin" -> ROUND_ROBIN;
                case "random" -> RANDOM;
                default -> throw new IllegalArgumentException("expected 'round-robin' or 'random'");
            };
        }
    }
}
