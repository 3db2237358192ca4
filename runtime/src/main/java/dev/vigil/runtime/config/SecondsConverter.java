package dev.vigil.runtime.config;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * The converters for whole seconds, digits only, as Dynamo's integer second settings are given: the
 * {@link Durations.Spelling#WHOLE_SECONDS} part of {@link Durations}' grammar, so {@code 1.5}, {@code
 * -1}, {@code +5} and {@code 10s} are rejected, because a setting written oddly is more likely a
 * mistake than an intent. At most {@link Integer#MAX_VALUE} seconds (68 years), so
 * every value still fits {@link Duration#toNanos()}. Pick the variant by the smallest sensible value.
 *
 * <p>Each variant implements {@link Converter} itself instead of extending a shared base: SmallRye
 * Config reads the converted type from the variant's {@code convert} method, and javac gives a
 * subclass nested in its base an {@code Object convert} bridge that hides the inherited one.
 */
public final class SecondsConverter {

    private SecondsConverter() {}

    static Duration parse(String value, int minimum, String expected) {
        return Durations.parse(value, Durations.Spelling.WHOLE_SECONDS)
                .filter(d -> d.getSeconds() >= minimum && d.getSeconds() <= Integer.MAX_VALUE)
                .orElseThrow(() -> new IllegalArgumentException(expected));
    }

    /** 0 or more, where 0 is meaningful: "no wait" or "off". */
    public static class AtLeastZero implements Converter<Duration> {

        static final String EXPECTED = "expected a whole number of seconds, 0 or more";

        @Override
        public Duration convert(String value) {
            return parse(value, 0, EXPECTED);
        }
    }

    /** 1 or more, where 0 would make the setting useless (a timeout, a lease TTL). */
    public static class AtLeastOne implements Converter<Duration> {

        static final String EXPECTED = "expected a whole number of seconds, at least 1";

        @Override
        public Duration convert(String value) {
            return parse(value, 1, EXPECTED);
        }
    }
}
