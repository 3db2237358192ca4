package dev.vigil.worker.health;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.vigil.worker.config.SystemStatusConfig;

/**
 * Where frontends reach this worker's system status server, {@code http://host:port}, published in
 * discovery so their probes can find it. The host is {@code DYN_SYSTEM_ADVERTISE_HOST}, else the
 * bind address when it is one, else this machine's own address; a wildcard bind address would tell
 * a frontend nothing.
 */
public final class StatusServerAddress {

    private StatusServerAddress() {}

    public static String url(SystemStatusConfig config) {
        String host = config.advertiseHost().orElseGet(() -> isWildcard(config.host()) ? ownAddress() : config.host());
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort(config);
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isBlank();
    }

    /** The port actually bound: with {@code DYN_SYSTEM_PORT=0} Quarkus picks one and records it. */
    private static int boundPort(SystemStatusConfig config) {
        if (config.port() != 0) {
            return config.port();
        }
        Optional<Integer> actual = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class);
        return actual.filter(p -> p != 0).orElse(config.port());
    }

    private static String ownAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            // A host name that does not resolve: loopback still serves a single-machine cluster.
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }
}
