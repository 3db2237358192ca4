package dev.vigil.testing;

import java.util.List;

/**
 * A nats-server (Debian's {@code nats-server}, {@code /usr/sbin/nats-server}) on a free loopback
 * port. Set {@code VIGIL_NATS_BIN} to use another binary.
 */
public final class NatsServer extends ServerProcess {

    private final int port = FreePort.next();
    private final String binary = binary("VIGIL_NATS_BIN", "/usr/sbin/nats-server", "nats-server");

    public NatsServer() {
        super(uniqueName("nats"));
    }

    /** Starts a new nats-server and waits until it accepts connections. */
    public static NatsServer started() {
        NatsServer nats = new NatsServer();
        nats.start();
        return nats;
    }

    /** {@code nats://127.0.0.1:<port>}, the form {@code NATS_SERVER} takes. */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    List<String> command() {
        return List.of(binary, "-a", "127.0.0.1", "-p", String.valueOf(port));
    }

    @Override
    int readinessPort() {
        return port;
    }
}
