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
     * until healed: the stall Dynamo's first-chunk canary misses (reported to Dynamo as its issue 13675).
     */
    STALL_AFTER_FIRST_TOKEN,
    /** Each request fails with an error where its first token was due; later tokens come normally. */
    ERROR_FIRST_TOKEN
}
