package dev.vigil.runtime.transport;

/**
 * A whole request plane: the {@link PlaneClient calling side}, the {@link PlaneServer serving side}
 * and {@link EventPlane events} over one set of connections, as one process has it (with NATS, one
 * connection to nats-server; with TCP, one listener and one connection per peer). This is what the
 * process produces, opens and closes (RuntimeBeans); code that uses only one side takes that side's
 * interface instead, which the same bean also satisfies.
 */
public interface RequestPlane extends PlaneClient, PlaneServer, EventPlane, AutoCloseable {

    @Override
    void close();
}
