package dev.vigil.frontend.config;

import java.util.Map;

import dev.vigil.runtime.config.EnumNames;

/**
 * How the frontend picks an instance for a request ({@code DYN_ROUTER_MODE}), among those that may
 * take it. The names are Dynamo's; Vigil has no {@code kv} mode, as it keeps no index of the
 * prefixes cached on each worker.
 */
public enum RouterMode {
    /** Each instance in turn, in discovery order. */
    ROUND_ROBIN,
    /** An instance chosen uniformly at random. */
    RANDOM,
    /**
     * Two instances chosen at random, the less loaded of them taken: fewer attempts of this frontend
     * running on it, then the lower KV cache usage the worker last reported.
     */
    POWER_OF_TWO,
    /** The least loaded of all instances, by the same measure as {@link #POWER_OF_TWO}. */
    LEAST_LOADED;

    /** Each mode's name with dashes or underscores, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<RouterMode> {

        private static final EnumNames<RouterMode> NAMES = new EnumNames<>(
                "expected 'round-robin', 'random', 'power-of-two' or 'least-loaded'",
                Map.of(
                        "round-robin", ROUND_ROBIN,
                        "round_robin", ROUND_ROBIN,
                        "random", RANDOM,
                        "power-of-two", POWER_OF_TWO,
                        "power_of_two", POWER_OF_TWO,
                        "least-loaded", LEAST_LOADED,
                        "least_loaded", LEAST_LOADED));

        @Override
        public RouterMode convert(String value) {
            return NAMES.parse(value);
        }
    }
}
