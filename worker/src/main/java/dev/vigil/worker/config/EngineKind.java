package dev.vigil.worker.config;

import java.util.Map;

import dev.vigil.runtime.config.EnumNames;

/** The engine behind the worker ({@code DYN_ENGINE}). */
public enum EngineKind {
    /** The built-in mock engine (Dynamo's mocker), configured by {@code DYN_MOCKER_*}. */
    MOCK,
    /** An OpenAI-compatible HTTP server (vLLM, SGLang, llama.cpp, ...) at {@code DYN_ENGINE_URL}. */
    OPENAI;

    /** {@code mock} or {@code openai}, in any case. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<EngineKind> {

        private static final EnumNames<EngineKind> NAMES =
                new EnumNames<>("expected 'mock' or 'openai'", Map.of("mock", MOCK, "openai", OPENAI));

        @Override
        public EngineKind convert(String value) {
            return NAMES.parse(value);
        }
    }
}
