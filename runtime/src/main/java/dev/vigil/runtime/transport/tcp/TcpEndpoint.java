package dev.vigil.runtime.transport.tcp;

import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.support.GatedEndpoint;

/** One endpoint served by a {@link TcpRequestPlane}'s listener, under its key, with its requests in flight. */
final class TcpEndpoint extends GatedEndpoint {

    private final TcpServing plane;
    private final String key;
    private final RequestHandler handler;

    TcpEndpoint(TcpServing plane, String address, String key, RequestHandler handler) {
        super(address);
        this.plane = plane;
        this.key = key;
        this.handler = handler;
    }

    String key() {
        return key;
    }

    RequestHandler handler() {
        return handler;
    }

    /** Counts a request in flight if the endpoint still accepts (see {@link GatedEndpoint}). */
    boolean tryAccept() {
        return tryEnter(() -> {});
    }

    void ended() {
        exit();
    }

    @Override
    protected void stopServing() {
        plane.unserve(this);
    }
}
