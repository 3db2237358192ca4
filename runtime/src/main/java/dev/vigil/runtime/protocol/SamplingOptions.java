package dev.vigil.runtime.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Dynamo's {@code sampling_options}; the mock engine is deterministic and ignores them. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SamplingOptions(
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("seed") Long seed) {}
