package dev.vigil.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/** An HTTP route path: starts with {@code /}, no whitespace, no query or fragment. */
public class HttpPathConverter implements Converter<String> {

    @Override
    public String convert(String value) {
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException("expected a path starting with '/', such as /custom/health");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || c == '?' || c == '#') {
                throw new IllegalArgumentException(
                        "expected a path starting with '/' without spaces, '?' or '#', such as /custom/health");
            }
        }
        return value;
    }
}
