package dev.vigil.runtime.config;

import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * The converters for plain decimal numbers within bounds, such as {@code 2}, {@code 0.5} or {@code
 * .25}. {@link Double#parseDouble} alone would also take {@code NaN}, {@code Infinity}, {@code 1e3},
 * {@code 0x1p3}, {@code 2d} and {@code +1}; none of them is a sensible way to write a ratio or a
 * threshold, so each is more likely a mistake than an intent. Pick the variant by the range the
 * setting allows. (Each variant implements {@link Converter} itself, for the reason given on {@link
 * SecondsConverter}.)
 */
public final class DecimalConverter {

    private static final Pattern PLAIN = Pattern.compile("[0-9]+(\\.[0-9]+)?|\\.[0-9]+");

    private DecimalConverter() {}

    /**
     * {@code value} as a number from {@code minimum} (itself only if {@code minimumAllowed}) up to and
     * including {@code maximum}; anything else is rejected with {@code expected}.
     */
    static double parse(String value, double minimum, boolean minimumAllowed, double maximum, String expected) {
        String text = value.trim();
        if (!PLAIN.matcher(text).matches()) {
            throw new IllegalArgumentException(expected);
        }
        double number = Double.parseDouble(text);
        boolean aboveMinimum = number > minimum || (minimumAllowed && number == minimum);
        // Enough digits overflow to Infinity even without an exponent.
        if (!aboveMinimum || number > maximum || Double.isInfinite(number)) {
            throw new IllegalArgumentException(expected);
        }
        return number;
    }

    /** Greater than 0, such as a speed-up ratio. */
    public static class Positive implements Converter<Double> {

        static final String EXPECTED = "expected a number greater than 0, such as 1 or 2.5";

        @Override
        public Double convert(String value) {
            return parse(value, 0, false, Double.MAX_VALUE, EXPECTED);
        }
    }

    /** 0 or greater, such as a multiple of a batch size. */
    public static class NonNegative implements Converter<Double> {

        static final String EXPECTED = "expected a number 0 or greater, such as 1.5";

        @Override
        public Double convert(String value) {
            return parse(value, 0, true, Double.MAX_VALUE, EXPECTED);
        }
    }

    /** From 0 to 1 inclusive, such as a share of a capacity. */
    public static class Fraction implements Converter<Double> {

        static final String EXPECTED = "expected a number between 0.0 and 1.0, such as 0.85";

        @Override
        public Double convert(String value) {
            return parse(value, 0, true, 1, EXPECTED);
        }
    }
}
