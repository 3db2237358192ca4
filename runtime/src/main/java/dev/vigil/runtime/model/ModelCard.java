package dev.vigil.runtime.model;

import java.util.Objects;

/**
 * A model served by one worker process: what the frontend lists in {@code /v1/models} and routes
 * requests for. Registered in discovery under the worker's lease next to its endpoint instances.
 *
 * @param name the model name clients ask for ({@code DYN_MODEL_NAME})
 * @param endpoint the endpoint that generates for it, usually {@code generate}
 * @param instanceId the process that serves it
 * @param kvTotalBlocks KV cache size in blocks, for load shedding
 * @param blockSize tokens per KV block
 * @param maxNumSeqs sequences the engine runs at once
 */
public record ModelCard(
        String name, EndpointId endpoint, InstanceId instanceId, int kvTotalBlocks, int blockSize, int maxNumSeqs) {

    public ModelCard {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(instanceId, "instanceId");
    }
}
