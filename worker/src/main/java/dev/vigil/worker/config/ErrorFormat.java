package dev.vigil.worker.config;

import java.util.Map;

import dev.vigil.runtime.config.EnumNames;

/**
 * How the system status server words its errors ({@code DYN_SYSTEM_ERROR_FORMAT}): an unknown path,
 * a wrong method, a request too large.
 */
public enum ErrorFormat {
    /**
     * Vigil's default: every error is JSON in the shape of Dynamo's {@code /engine} routes, {@code
     * {"error": …, "message": …}}, so a client parses every error one way.
     */
    JSON,
    /**
     * Dynamo's status server exactly: 404 with the plain-text body {@code Route not found}, other
     * errors with an empty body.
     */
    TEXT;

    /** {@code json} or {@code text}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<ErrorFormat> {

        private static final EnumNames<ErrorFormat> NAMES =
                new EnumNames<>("expected 'json' or 'text'", Map.of("json", JSON, "text", TEXT));

        @Override
        public ErrorFormat convert(String value) {
            return NAMES.parse(value);
        }
    }
}
