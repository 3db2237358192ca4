package dev.vigil.worker.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;

/**
 * The inference engine behind the worker's endpoints, as the rest of the worker sees it: the
 * endpoint handlers, the canary, the engine monitor and the lifecycle use only this. {@link
 * MockEngine} is one implementation; an adapter to a real inference server is another, chosen in
 * {@link EngineProducer}.
 */
public interface Engine extends AutoCloseable {

    /**
     * Loads the model. Completes once the engine accepts work; requests sent earlier may wait.
     * Calling it again returns the same stage.
     */
    CompletionStage<Void> start();

    /**
     * Runs a request and streams its outputs to {@code sink}. Must not block: a request the engine
     * cannot serve gets {@link TokenSink#onError}, before this returns or later.
     *
     * @param requestId the caller's id, for the engine's logs
     * @return the handle to end the request early
     */
    Generation generate(String requestId, GenerateRequest request, TokenSink sink);

    /** Empties the engine's prefix cache; returns the KV blocks freed. */
    int clearKvBlocks();

    /** The engine's load now, reported as {@code workerId}. */
    LoadMetrics loadMetrics(long workerId);

    /** The KV cache and batch size the engine was started with, published in the model card. */
    EngineCapacity capacity();

    /**
     * Whether the engine is dead: nothing it runs can succeed and it will not recover, so the worker
     * must leave the cluster.
     */
    boolean isDead();

    /**
     * The canary's request: the engine's minimal health check payload (Dynamo's backends each define
     * one), used unless {@code DYN_HEALTH_CHECK_PAYLOAD} overrides it.
     */
    GenerateRequest healthCheckRequest();

    /**
     * How to make this engine misbehave on purpose, for tests and drills ({@code POST
     * /engine/fault}); empty for an engine that cannot.
     */
    default Optional<FaultInjection> faultInjection() {
        return Optional.empty();
    }

    /** Stops the engine; every request still queued or running gets {@link TokenSink#onError}. */
    @Override
    void close();
}
