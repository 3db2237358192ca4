package dev.vigil.runtime.transport.tcp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlaneException;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.support.PlaneExecutor;

/**
 * The serving side of the TCP plane: its one listener, the endpoints served on it (by key), the
 * callers' connections to it ({@link TcpServerConnection}) with the requests they carry, their
 * heartbeats, and the events published to the callers that subscribed.
 */
final class TcpServing {

    private static final Logger LOG = Logger.getLogger(TcpRequestPlane.class);

    private final Vertx vertx;
    private final TcpPlaneSettings settings;
    private final PlaneExecutor callbacks;
    /** Whether the plane has closed: a closed plane takes no request and no connection. */
    private final BooleanSupplier closed;

    private final ConcurrentMap<String, TcpEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Set<TcpServerConnection> connections = ConcurrentHashMap.newKeySet();
    /** Guarded by this. */
    private NetServer server;

    private volatile String listening;

    TcpServing(Vertx vertx, TcpPlaneSettings settings, PlaneExecutor callbacks, BooleanSupplier closed) {
        this.vertx = vertx;
        this.settings = settings;
        this.callbacks = callbacks;
        this.closed = closed;
    }

    /** {@code host:port} as published, once listening; null before. */
    String published() {
        return listening;
    }

    /** {@code host:port} as published, listening now if not yet. */
    synchronized String listening() {
        if (listening != null) {
            return listening;
        }
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("the TCP plane cannot start listening on an event loop thread");
        }
        NetServer created = vertx.createNetServer(new NetServerOptions()
                        .setHost(settings.host())
                        .setPort(settings.port())
                        .setTcpNoDelay(true))
                .connectHandler(socket -> {
                    TcpServerConnection connection = new TcpServerConnection(this, socket);
                    connections.add(connection);
                    if (closed.getAsBoolean()) {
                        connection.close();
                    }
                });
        String where = settings.host() + ":" + settings.port();
        try {
            created.listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(TcpRequestPlane.CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RequestPlaneException(
                    "Cannot listen on " + where + " for the TCP request plane: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new RequestPlaneException("Listening on " + where + " for the TCP request plane timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestPlaneException("Interrupted while listening on " + where, e);
        }
        server = created;
        String host = settings.wildcardHost() ? ownAddress() : settings.host();
        listening = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + created.actualPort();
        LOG.infof(
                "Listening for the TCP request plane on %s:%d, published as %s (heartbeat %d ms, silence timeout"
                        + " %d ms, ack timeout %d ms)",
                settings.host(),
                created.actualPort(),
                listening,
                settings.heartbeatInterval().toMillis(),
                settings.silenceTimeout().toMillis(),
                settings.ackTimeout().toMillis());
        return listening;
    }

    /** Serves {@code subject}, which must be an address on this plane's listener. */
    ServedEndpoint serve(String subject, RequestHandler handler) {
        TcpAddress address = TcpAddress.parse(subject)
                .orElseThrow(() -> new IllegalArgumentException("not a TCP plane address: '" + subject + "'"));
        if (!address.server().equals(listening())) {
            throw new IllegalArgumentException(
                    subject + " is not on this plane's listener " + listening() + " (use transport())");
        }
        TcpEndpoint endpoint = new TcpEndpoint(this, subject, address.key(), handler);
        if (endpoints.putIfAbsent(address.key(), endpoint) != null) {
            throw new IllegalStateException(subject + " is already served on this plane");
        }
        LOG.infof("Serving %s on TCP", subject);
        return endpoint;
    }

    /** Sends the event to every connected caller that subscribed to a matching subject. */
    void publish(String subject, byte[] payload) {
        for (TcpServerConnection connection : connections) {
            connection.publish(subject, payload);
        }
    }

    void sendHeartbeats() {
        try {
            for (TcpServerConnection connection : connections) {
                connection.heartbeat();
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Sending heartbeats failed");
        }
    }

    /** Stops serving every endpoint: the plane is closing. */
    void stopServing() {
        endpoints.values().forEach(TcpEndpoint::close);
    }

    /**
     * Kills the requests being served (their callers see the connection close at once, and may
     * retry elsewhere), closes every caller's connection, and returns the listener's closing.
     */
    CompletableFuture<Void> close() {
        for (TcpServerConnection connection : List.copyOf(connections)) {
            List<TcpServedRequest> requests = new ArrayList<>();
            connection.requests().forEach(requests::add);
            for (TcpServedRequest request : requests) {
                request.control(Control.KILL);
            }
            connection.close();
        }
        NetServer listener;
        synchronized (this) {
            listener = server;
        }
        return listener == null
                ? CompletableFuture.completedFuture(null)
                : listener.close().toCompletionStage().toCompletableFuture();
    }

    // What the connections call back.

    /** A request arrived on a caller's connection (on its event loop). */
    void accept(TcpServerConnection connection, long stream, String key, String requestId, byte[] payload) {
        TcpEndpoint endpoint = endpoints.get(key);
        // Counted before anything else happens to it; a closed endpoint takes no request, and its
        // caller hears so at once (it may try another instance).
        if (closed.getAsBoolean() || endpoint == null || !endpoint.tryAccept()) {
            connection.write(TcpWire.reject(stream, "nobody serves " + key + " at " + listening));
            return;
        }
        TcpServedRequest request = new TcpServedRequest(connection, endpoint, stream, requestId, payload, callbacks);
        if (!connection.carry(request)) {
            request.control(Control.KILL);
            return;
        }
        // Acknowledge before the handler runs: the caller learns at once that somebody has it.
        request.acknowledge();
        request.dispatch(callbacks, endpoint.handler(), endpoint.subject());
    }

    void disconnected(TcpServerConnection connection) {
        connections.remove(connection);
    }

    void unserve(TcpEndpoint endpoint) {
        endpoints.remove(endpoint.key(), endpoint);
        LOG.infof("Stopped serving %s on TCP (%d requests in flight go on)", endpoint.subject(), endpoint.inFlight());
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
