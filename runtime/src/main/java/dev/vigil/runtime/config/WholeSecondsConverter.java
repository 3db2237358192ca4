package dev.vigil.runtime.config;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A whole number of seconds, 0 or more, digits only (Dynamo's {@code u64} second settings, where 0
 * is meaningful: "no wait" or "off"). {@code 1.5}, {@code -1} and {@code 10s} are rejected.
 */
public class WholeSecondsConverter implements Converter<Duration> {

    static final String EXPECTED = "expected a whole number of seconds, 0 or more";

    @Override
    public Duration convert(String value) {
        String text = value.trim();
        if (text.matches("[0-9]{1,12}")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        throw new IllegalArgumentException(EXPECTED);
    }
}
