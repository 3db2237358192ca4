package dev.vigil.worker.canary;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.vigil.health.canary.CanaryOutcome;
import dev.vigil.health.canary.CanaryProbe;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.protocol.WireFormatException;
import dev.vigil.worker.engine.Engine;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;

/**
 * The canary for the worker's engine: the payload, a {@link GenerateRequest}, goes straight to the engine
 * in process (not over the request plane), and the outcome is known only when the stream has
 * <em>ended</em>. Dynamo judges the first item; an engine that stalls after its first token passes
 * that test and fails every real request (Dynamo issue #13675).
 */
public final class EngineCanaryProbe implements CanaryProbe {

    /** Canary request ids, distinct from the request plane's, so engine logs tell them apart. */
    private static final String REQUEST_PREFIX = "health-check-";

    private final Engine engine;
    private final AtomicLong ids = new AtomicLong();

    public EngineCanaryProbe(Engine engine) {
        this.engine = engine;
    }

    @Override
    public CompletionStage<CanaryOutcome> send(String endpoint, String payload) {
        GenerateRequest request;
        try {
            request = WireCodec.decodeGenerateRequest(payload.getBytes(StandardCharsets.UTF_8));
        } catch (WireFormatException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "the health check payload is not a generate request: " + e.getMessage()));
        }
        CompletableFuture<CanaryOutcome> outcome = new CompletableFuture<>();
        AtomicInteger outputs = new AtomicInteger();
        Generation generation = engine.generate(REQUEST_PREFIX + ids.incrementAndGet(), request, new TokenSink() {
            @Override
            public void onOutput(EngineOutput output) {
                outputs.incrementAndGet();
            }

            @Override
            public void onEnd() {
                int count = outputs.get();
                outcome.complete(count > 0 ? new CanaryOutcome.Healthy(count) : new CanaryOutcome.NoResponse());
            }

            @Override
            public void onError(String message) {
                outcome.complete(new CanaryOutcome.ErrorResponse(message));
            }
        });
        // The scheduler cancels the stage on timeout: free the engine of a canary nobody waits for.
        outcome.whenComplete((result, failure) -> {
            if (failure != null) {
                generation.kill();
            }
        });
        return outcome;
    }
}
