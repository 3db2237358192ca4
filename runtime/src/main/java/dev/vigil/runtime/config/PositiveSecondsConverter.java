package dev.vigil.runtime.config;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

/** A whole number of seconds, at least 1 (Dynamo's integer second settings). */
public class PositiveSecondsConverter implements Converter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds >= 1) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a whole number of seconds, at least 1");
    }
}
