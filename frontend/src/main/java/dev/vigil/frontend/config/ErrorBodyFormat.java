package dev.vigil.frontend.config;

import java.util.Map;

import dev.vigil.runtime.config.EnumNames;

/**
 * The shape of every error body the frontend's API sends ({@code DYN_HTTP_ERROR_FORMAT}, Vigil's):
 * the HTTP error responses and the SSE {@code event: error} of a stream that fails after it began.
 */
public enum ErrorBodyFormat {
    /**
     * Dynamo's exactly, the default: {@code {"message":…,"type":<reason phrase>,"code":<status>}}.
     */
    DYNAMO,
    /**
     * OpenAI's envelope, {@code {"error":{"message":…,"type":…,"param":null,"code":<status>}}}, with
     * OpenAI's type names: the official clients read the message and type from {@code error} and,
     * given Dynamo's shape, report only the status.
     */
    OPENAI;

    /** {@code dynamo} or {@code openai}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<ErrorBodyFormat> {

        private static final EnumNames<ErrorBodyFormat> NAMES =
                new EnumNames<>("expected 'dynamo' or 'openai'", Map.of("dynamo", DYNAMO, "openai", OPENAI));

        @Override
        public ErrorBodyFormat convert(String value) {
            return NAMES.parse(value);
        }
    }
}
