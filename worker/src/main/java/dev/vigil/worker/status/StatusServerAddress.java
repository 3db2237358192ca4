package dev.vigil.worker.status;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.vertx.http.HttpServerStart;

import dev.vigil.worker.config.SystemStatusConfig;

/**
 * Where frontends reach this worker's system status server, {@code http://host:port}, published in
 * discovery so their probes can find it. Known once the server listens, so the port is the one
 * really bound (a free one for {@code DYN_SYSTEM_PORT=0}, and in tests). The host is {@code
 * DYN_SYSTEM_ADVERTISE_HOST}, else the bind address when it is one, else this machine's own
 * address; a wildcard bind address would tell a frontend nothing.
 */
@ApplicationScoped
public class StatusServerAddress {

    @Inject
    SystemStatusConfig config;

    private final CompletableFuture<String> url = new CompletableFuture<>();

    void listening(@ObservesAsync HttpServerStart event) {
        url.complete(url(config, boundPort(event.options().getPort())));
    }

    /**
     * A random port ({@code DYN_SYSTEM_PORT=0}, and in tests) shows as 0 or -1 in the server
     * options; once it listens Quarkus records the port it bound in its configuration.
     */
    private int boundPort(int optionsPort) {
        if (optionsPort > 0) {
            return optionsPort;
        }
        String property = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        return ConfigProvider.getConfig()
                .getOptionalValue(property, Integer.class)
                .filter(port -> port > 0)
                .orElse(config.port());
    }

    /** Completes once the status server listens. */
    public CompletionStage<String> url() {
        return url;
    }

    static String url(SystemStatusConfig config, int port) {
        String host = config.advertiseHost().orElseGet(() -> isWildcard(config.host()) ? ownAddress() : config.host());
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isBlank();
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
