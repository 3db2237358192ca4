package dev.vigil.frontend.config;

import org.eclipse.microprofile.config.spi.Converter;

/** A whole number of seconds, 0 or more, as Dynamo's integer timeouts are given. */
public class NonNegativeSecondsConverter implements Converter<Integer> {

    @Override
    public Integer convert(String value) {
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds >= 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a whole number of seconds, 0 or more");
    }
}
