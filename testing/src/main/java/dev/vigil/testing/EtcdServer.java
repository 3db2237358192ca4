package dev.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A single-member etcd (Debian's {@code etcd-server}, {@code /usr/bin/etcd}) on free loopback
 * ports, with its own data directory. Set {@code VIGIL_ETCD_BIN} to use another binary.
 */
public final class EtcdServer extends ServerProcess {

    private final int clientPort = FreePort.next();
    private final int peerPort = FreePort.next();
    private final Path dataDir;
    private final String binary = binary("VIGIL_ETCD_BIN", "/usr/bin/etcd", "etcd-server");

    public EtcdServer() {
        super(uniqueName("etcd"));
        try {
            dataDir = Files.createTempDirectory("vigil-etcd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a new etcd and waits until it accepts connections. */
    public static EtcdServer started() {
        EtcdServer etcd = new EtcdServer();
        etcd.start();
        return etcd;
    }

    /** {@code http://127.0.0.1:<port>}, the form {@code ETCD_ENDPOINTS} takes. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    @Override
    List<String> command() {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        return List.of(
                binary,
                "--name",
                "vigil-test",
                "--data-dir",
                dataDir.toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "vigil-test=" + peer,
                "--logger",
                "zap",
                "--log-level",
                "warn");
    }

    @Override
    int readinessPort() {
        return clientPort;
    }
}
