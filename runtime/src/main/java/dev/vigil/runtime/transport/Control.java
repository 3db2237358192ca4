package dev.vigil.runtime.transport;

/** What a caller can ask of a request in flight (Dynamo's context states). */
public enum Control {
    /** Finish early but cleanly: the stream still ends with its end frame. */
    STOP,
    /** Drop it now: no more output, no end frame. */
    KILL
}
