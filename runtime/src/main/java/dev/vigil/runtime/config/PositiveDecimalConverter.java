package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A plain decimal number greater than 0, such as {@code 2} or {@code 0.5}. {@link
 * Double#parseDouble} alone would also take {@code NaN}, {@code Infinity}, {@code 1e3}, {@code 0x1p3}
 * and {@code 2d}; none of them is a sensible way to write a ratio.
 */
public class PositiveDecimalConverter implements Converter<Double> {

    static final String EXPECTED = "expected a number greater than 0, such as 1 or 2.5";

    @Override
    public Double convert(String value) {
        String text = value.trim();
        if (!text.matches("[0-9]+(\\.[0-9]+)?|\\.[0-9]+")) {
            throw new IllegalArgumentException(EXPECTED);
        }
        double number = Double.parseDouble(text);
        if (!(number > 0) || Double.isInfinite(number)) {
            throw new IllegalArgumentException(EXPECTED);
        }
        return number;
    }
}
