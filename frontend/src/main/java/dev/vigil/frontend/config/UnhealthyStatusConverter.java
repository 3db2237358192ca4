package dev.vigil.frontend.config;

import org.eclipse.microprofile.config.spi.Converter;

/** The status of an unhealthy frontend /health: 200 (the seed) or 503 (gate a readiness probe). */
public class UnhealthyStatusConverter implements Converter<Integer> {

    @Override
    public Integer convert(String value) {
        return switch (value.trim()) {
            case "200" -> 200;
            case "503" -> 503;
            default -> throw new IllegalArgumentException("expected 200 or 503");
        };
    }
}
