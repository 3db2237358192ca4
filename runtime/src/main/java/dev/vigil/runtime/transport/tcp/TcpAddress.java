package dev.vigil.runtime.transport.tcp;

import java.util.Optional;

/**
 * An endpoint instance's address on the TCP plane, {@code host:port/<instance id hex>/<endpoint>}
 * (Dynamo's spelling): where its process listens, and the key its listener serves it under (several
 * endpoints of one process share one listener).
 *
 * @param host an IPv4 address or name, or an IPv6 address without brackets
 * @param port the listener's port
 * @param key {@code <instance id hex>/<endpoint>}
 */
record TcpAddress(String host, int port, String key) {

    /** {@code host:port}, IPv6 bracketed: the listener, which one connection serves. */
    String server() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return server() + "/" + key;
    }

    /** The address of {@code key} on the listener {@code host:port}. */
    static String format(String host, int port, String key) {
        return new TcpAddress(host, port, key).toString();
    }

    /** Reads {@code host:port/key}; empty when {@code address} is not one (a NATS subject, say). */
    static Optional<TcpAddress> parse(String address) {
        int slash = address.indexOf('/');
        if (slash <= 0 || slash == address.length() - 1) {
            return Optional.empty();
        }
        String server = address.substring(0, slash);
        String key = address.substring(slash + 1);
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            return Optional.empty();
        }
        String host = server.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port <= 0 || port > 65535 || host.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TcpAddress(host, port, key));
    }
}
