package dev.vigil.runtime.protocol;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One response of a {@code generate} stream (Dynamo's {@code LLMEngineOutput}, reduced): new token ids
 * with their text, and on the last one why generation finished.
 *
 * @param finishReason null while generating; {@code stop} (stop string, stop token or end of text),
 *     {@code length} ({@code max_tokens} reached) or {@code cancelled}
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EngineOutput(
        @JsonProperty("token_ids") List<Integer> tokenIds,
        @JsonProperty("text") String text,
        @JsonProperty("finish_reason") String finishReason) {

    public static final String STOP = "stop";
    public static final String LENGTH = "length";
    public static final String CANCELLED = "cancelled";
}
