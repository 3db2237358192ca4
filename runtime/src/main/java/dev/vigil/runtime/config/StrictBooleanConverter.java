package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Only the literals {@code true} and {@code false}, as Dynamo's figment parsing accepts. The
 * MicroProfile default would read {@code 1}, {@code yes}, {@code on} as true and anything else,
 * including typos, silently as false.
 */
public class StrictBooleanConverter implements Converter<Boolean> {

    @Override
    public Boolean convert(String value) {
        return switch (value.trim()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected 'true' or 'false'");
        };
    }
}
