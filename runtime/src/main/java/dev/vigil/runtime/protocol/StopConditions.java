package dev.vigil.runtime.protocol;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** When generation ends, Dynamo's {@code stop_conditions}. Null fields mean "no limit". */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StopConditions(
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("stop") List<String> stop,
        @JsonProperty("stop_token_ids") List<Integer> stopTokenIds,
        @JsonProperty("ignore_eos") Boolean ignoreEos) {

    public StopConditions withMaxTokens(Integer newMax) {
        return new StopConditions(newMax, stop, stopTokenIds, ignoreEos);
    }
}
