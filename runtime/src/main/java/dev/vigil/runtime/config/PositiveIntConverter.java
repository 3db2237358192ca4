package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/** A whole number 1 or greater, digits only: a count where zero would make the setting useless. */
public class PositiveIntConverter implements Converter<Integer> {

    static final String EXPECTED = "expected an integer 1 or greater, such as 16";

    @Override
    public Integer convert(String value) {
        return Digits.parse(value, 1, EXPECTED);
    }
}
