package dev.vigil.worker.engine;

/**
 * A request running (or queued) in the engine: Dynamo's two ways of ending a stream early. Both
 * free the request's KV cache blocks at once, log {@code Aborted Request ID: <id>} at INFO as
 * Dynamo's backends do, and do nothing on a request that already ended.
 */
public interface Generation {

    /**
     * Finish early but cleanly, like Dynamo's {@code stop_generating}: the sink gets one last output
     * with no token, empty text and finish reason {@code cancelled} (what Dynamo's mocker sends when
     * its context is stopped), then {@code onEnd}.
     */
    void stop();

    /**
     * Drop the request now, like Dynamo's {@code kill}: the caller is gone, so the sink gets no
     * further call at all, not even {@code onEnd}.
     */
    void kill();

    /**
     * Flow control: the caller cannot take more now (its client stopped reading). The engine stops
     * producing this request's output, keeping its place (and its KV blocks), until {@link #resume}:
     * the mock stops its generator; an HTTP engine's response stops being read, so TCP pushes back
     * on the engine. Does nothing on a request that ended.
     */
    void pause();

    /** The caller can take output again: generation goes on where it paused. */
    void resume();
}
