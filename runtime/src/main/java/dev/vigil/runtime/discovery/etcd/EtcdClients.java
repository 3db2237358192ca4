package dev.vigil.runtime.discovery.etcd;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.etcd.jetcd.Client;

import dev.vigil.runtime.discovery.DiscoveryException;

/**
 * How Vigil talks to etcd's endpoints: which URLs it accepts and the jetcd client settings every
 * call relies on (fail fast while disconnected, notice a vanished peer, no hidden retries).
 */
final class EtcdClients {

    private EtcdClients() {}

    /** The endpoints as URLs: a bare {@code host:port} means http; TLS is refused, not ignored. */
    static List<String> urls(List<String> endpoints) {
        return endpoints.stream().map(EtcdClients::url).toList();
    }

    /**
     * A client for {@code urls}. It connects lazily, so an unreachable etcd shows at the first call.
     *
     * @throws DiscoveryException when the URLs cannot make a client
     */
    static Client build(List<String> urls) {
        JetcdResolvers.register();
        try {
            return Client.builder()
                    .endpoints(urls.toArray(String[]::new))
                    // Fail a call at once while the connection is down, instead of queueing it until
                    // etcd is back: callers retry at their own pace and with their own bounds.
                    .waitForReady(false)
                    .connectTimeout(Duration.ofSeconds(2))
                    // Notice a peer that vanished without closing the connection (host down, cable
                    // cut) in 15 s, not 40; etcd accepts pings every 5 s or slower.
                    .keepaliveTime(Duration.ofSeconds(10))
                    .keepaliveTimeout(Duration.ofSeconds(5))
                    // Retries are ours (Calls.retrying), bounded by each call's own timeout.
                    .retryMaxAttempts(0)
                    .build();
        } catch (RuntimeException e) {
            throw new DiscoveryException(
                    "Invalid etcd endpoints " + String.join(",", urls) + ": " + Calls.describe(e), e);
        }
    }

    private static String url(String endpoint) {
        String trimmed = Objects.requireNonNull(endpoint, "endpoint").trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            throw new IllegalArgumentException("etcd over TLS is not supported yet: " + trimmed);
        }
        return lower.startsWith("http://") ? trimmed : "http://" + trimmed;
    }
}
