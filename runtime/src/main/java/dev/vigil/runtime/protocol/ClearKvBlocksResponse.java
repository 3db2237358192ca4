package dev.vigil.runtime.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer of a worker's {@code clear_kv_blocks} endpoint: how many cached blocks it dropped. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClearKvBlocksResponse(@JsonProperty("cleared_blocks") int clearedBlocks) {}
