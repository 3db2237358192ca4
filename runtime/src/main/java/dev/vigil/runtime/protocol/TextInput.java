package dev.vigil.runtime.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Vigil's addition to a {@code generate} request: the request as text, for an engine with its own
 * tokenizer (an OpenAI-compatible server) that cannot use the frontend's token ids. The mock engine
 * ignores it. Exactly one of {@code prompt} and {@code messages} is set.
 *
 * @param prompt a completion request's prompt, exactly as the client sent it
 * @param messages a chat request's {@code messages} array, exactly as the client sent it
 * @param priorOutput set only on a migrated request: the text earlier attempts generated (and the
 *     client already received), which the engine must continue rather than repeat
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TextInput(
        @JsonProperty("prompt") String prompt,
        @JsonProperty("messages") JsonNode messages,
        @JsonProperty("prior_output") String priorOutput) {

    public static TextInput completion(String prompt) {
        return new TextInput(prompt, null, null);
    }

    public static TextInput chat(JsonNode messages) {
        return new TextInput(null, messages, null);
    }

    /** Whether this is a chat request ({@code messages}) rather than a completion ({@code prompt}). */
    @JsonIgnore
    public boolean isChat() {
        return messages != null && !messages.isNull();
    }

    /** The same request continuing after {@code generated}, the text earlier attempts produced. */
    public TextInput continuing(String generated) {
        return new TextInput(prompt, messages, generated == null || generated.isEmpty() ? null : generated);
    }
}
