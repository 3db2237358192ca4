package dev.vigil.frontend.config;

import org.eclipse.microprofile.config.spi.Converter;

/** A number from 0 to 1 inclusive. */
public class FractionConverter implements Converter<Double> {

    @Override
    public Double convert(String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a number between 0.0 and 1.0, such as 0.85");
    }
}
