package dev.vigil.health.canary;

/**
 * What a {@link CanaryProbe} saw of the engine's answer, once the stream ended. A canary that never
 * ends is the scheduler's to judge (a timeout), and one whose request could not even be made is a
 * failed stage.
 */
public sealed interface CanaryOutcome {

    /** The stream carried at least one output and ended normally: the engine works. */
    record Healthy(int outputs) implements CanaryOutcome {}

    /** The engine answered with an error, at any point of the stream. */
    record ErrorResponse(String message) implements CanaryOutcome {}

    /** The stream ended normally without a single output. */
    record NoResponse() implements CanaryOutcome {}
}
