package dev.vigil.runtime.protocol;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of a {@code generate} request on the request plane: the prompt already tokenized by the
 * frontend (Dynamo's {@code PreprocessedRequest}, reduced to what Vigil uses).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerateRequest(
        @JsonProperty("model") String model,
        @JsonProperty("token_ids") List<Integer> tokenIds,
        @JsonProperty("stop_conditions") StopConditions stopConditions,
        @JsonProperty("sampling_options") SamplingOptions samplingOptions) {}
