package dev.vigil.worker.engine;

/**
 * What an engine can hold, as the worker's model card publishes it for the frontend's load shedding.
 *
 * @param kvTotalBlocks KV cache size in blocks
 * @param blockSize tokens per KV block
 * @param maxNumSeqs sequences the engine runs at once
 */
public record EngineCapacity(int kvTotalBlocks, int blockSize, int maxNumSeqs) {}
