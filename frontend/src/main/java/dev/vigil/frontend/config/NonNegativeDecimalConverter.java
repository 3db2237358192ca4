package dev.vigil.frontend.config;

import org.eclipse.microprofile.config.spi.Converter;

/** A finite number, 0 or more. */
public class NonNegativeDecimalConverter implements Converter<Double> {

    @Override
    public Double convert(String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (d >= 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a number 0 or greater, such as 1.5");
    }
}
