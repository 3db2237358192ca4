package dev.vigil.worker.engine;

/** Makes an engine misbehave on purpose, to test what health checks and fault tolerance make of it. */
public interface FaultInjection {

    /**
     * Makes the engine misbehave from now on, for requests already running and new ones; replaces
     * any earlier fault.
     */
    void injectFault(FaultMode mode);

    /** Ends any injected fault. */
    void heal();

    /** The injected fault, {@link FaultMode#NONE} unless one was injected. */
    FaultMode fault();
}
