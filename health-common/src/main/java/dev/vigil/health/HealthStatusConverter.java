package dev.vigil.health;

import org.eclipse.microprofile.config.spi.Converter;

/** Reads {@code DYN_SYSTEM_STARTING_HEALTH_STATUS}: exactly {@code ready} or {@code notready}. */
public class HealthStatusConverter implements Converter<HealthStatus> {

    @Override
    public HealthStatus convert(String value) {
        return HealthStatus.parse(value.trim());
    }
}
