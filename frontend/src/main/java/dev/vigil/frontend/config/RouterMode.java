package dev.vigil.frontend.config;

import java.util.Map;

import dev.vigil.runtime.config.EnumNames;

/** How the frontend picks an instance for a request ({@code DYN_ROUTER_MODE}). */
public enum RouterMode {
    /** Each instance in turn, in discovery order. */
    ROUND_ROBIN,
    /** An instance chosen uniformly at random. */
    RANDOM;

    /** {@code round-robin} (or {@code round_robin}) or {@code random}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<RouterMode> {

        private static final EnumNames<RouterMode> NAMES = new EnumNames<>(
                "expected 'round-robin' or 'random'",
                Map.of("round-robin", ROUND_ROBIN, "round_robin", ROUND_ROBIN, "random", RANDOM));

        @Override
        public RouterMode convert(String value) {
            return NAMES.parse(value);
        }
    }
}
