package dev.vigil.runtime.lifecycle;

import java.util.Locale;

/**
 * The stages of a worker's graceful shutdown, in order, named as Dynamo's {@code
 * dynamo_component_shutdown_stage_seconds{stage}} names them.
 */
public enum ShutdownStage {
    /** Leave discovery, so routers stop choosing this process. */
    UNREGISTER,
    /** Keep accepting while routers catch up with the unregistration. */
    ROUTER_GRACE,
    /** Stop accepting new requests. */
    STOP_ADMISSION,
    /** Wait for the requests in flight. */
    INFLIGHT,
    /** Revoke the lease, disconnect, stop the engine. */
    CLEANUP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** How a stage ended, as the {@code reason} label says it. */
    public enum Reason {
        STARTED,
        COMPLETED,
        TIMED_OUT,
        SKIPPED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
