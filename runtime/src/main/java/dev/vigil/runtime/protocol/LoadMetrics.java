package dev.vigil.runtime.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A worker's load: the answer of its {@code load_metrics} endpoint and the event it publishes
 * periodically for the frontend (Dynamo's {@code ActiveLoad}, plus the totals).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoadMetrics(
        @JsonProperty("worker_id") long workerId,
        @JsonProperty("kv_used_blocks") long kvUsedBlocks,
        @JsonProperty("kv_total_blocks") long kvTotalBlocks,
        @JsonProperty("active_prefill_tokens") long activePrefillTokens,
        @JsonProperty("active_decode_blocks") long activeDecodeBlocks,
        @JsonProperty("active_sequences") int activeSequences,
        @JsonProperty("queue_depth") int queueDepth) {}
