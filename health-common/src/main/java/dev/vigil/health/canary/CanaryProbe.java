package dev.vigil.health.canary;

import java.util.concurrent.CompletionStage;

/**
 * Sends one canary to the engine behind an endpoint, in process: it proves the engine works, not
 * the transport (as Dynamo's canary, which bypasses the network). This is what an engine supplies to
 * the otherwise engine-agnostic {@link CanaryScheduler}.
 */
@FunctionalInterface
public interface CanaryProbe {

    /**
     * Starts the request {@code payload} (the endpoint's canary payload, JSON text) on the engine
     * behind {@code endpoint}. The stage completes when the whole stream has ended, or exceptionally
     * when the request could not be made. When the canary times out the scheduler cancels the stage
     * (through {@link CompletionStage#toCompletableFuture()}); a probe should then abandon its
     * request so a hung canary does not hold engine resources.
     */
    CompletionStage<CanaryOutcome> send(String endpoint, String payload);
}
