package dev.vigil.worker.engine;

/**
 * How the mock engine misbehaves, to test what health checks and fault tolerance make of a broken
 * engine. Applied where tokens are produced, so it hits requests already running as well as new ones.
 */
public enum FaultMode {
    /** The engine works. */
    NONE,
    /** Every request fails at its next step with an error, as when the engine process dies. */
    DIE,
    /** No request makes progress: no token, no end, no error, until healed. */
    HANG,
    /**
     * Each request produces its first token, then nothing more (not even the end of its stream)
     * until healed. Dynamo's canary misses this stall: it counts an endpoint healthy as soon as the
     * first chunk of its answer arrives, so an engine that stops after one token passes it while
     * every real request hangs. Vigil's canary waits for the end of the stream and catches it.
     */
    STALL_AFTER_FIRST_TOKEN,
    /** Each request fails with an error where its first token was due; later tokens come normally. */
    ERROR_FIRST_TOKEN
}
