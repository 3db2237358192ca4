package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A whole number 0 or greater, digits only. Stricter than {@link Integer#parseInt}, which also takes
 * {@code +5}: a setting written oddly is more likely a mistake than an intent.
 */
public class NonNegativeIntConverter implements Converter<Integer> {

    static final String EXPECTED = "expected an integer 0 or greater, such as 10";

    @Override
    public Integer convert(String value) {
        return Digits.parse(value, 0, EXPECTED);
    }
}
