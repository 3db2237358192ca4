package dev.vigil.runtime.transport.tcp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.Transport;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.RequestPlaneException;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.NoCall;
import dev.vigil.runtime.transport.support.ObserverChannel;
import dev.vigil.runtime.transport.support.PlaneExecutor;
import dev.vigil.runtime.transport.support.SerialExecutor;
import dev.vigil.runtime.transport.support.Subjects;

/**
 * The direct request plane ({@code DYN_REQUEST_PLANE=tcp}): a serving process listens on one TCP
 * port for all its endpoints; a calling process keeps persistent connections to each serving process
 * (one per event loop that calls, one shared by other threads) and multiplexes its streams on them.
 * No broker sits in between, and a connection that closes ends its streams at once.
 *
 * <p>The wire protocol, its threads and how events find their subscribers are described in this
 * package's documentation ({@code package-info.java}).
 */
public final class TcpRequestPlane implements RequestPlane {

    private static final Logger LOG = Logger.getLogger(TcpRequestPlane.class);

    /** What the streams of this plane's calls hold for their observers ({@link #heldBytes()}). */
    private final java.util.concurrent.atomic.AtomicLong heldBytes = new java.util.concurrent.atomic.AtomicLong();

    /** How long listening, and confirming a subscription with the publishers known now, may take. */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
    /** How often connections to event publishers that went away are opened again. */
    private static final Duration EVENT_RELINK = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final TcpPlaneSettings settings;
    private final Discovery discovery;
    private final NetClient client;
    private final PlaneExecutor callbacks;
    private final ScheduledExecutorService timer;
    private final AtomicLong nextId = new AtomicLong();
    /**
     * Connections by listener and, for calls made on one of this plane's Vert.x event loops, by that
     * loop (null for other threads): see {@link #peer(TcpAddress, Context)}.
     */
    private final ConcurrentMap<PeerKey, TcpPeer> peers = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, TcpEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Set<TcpServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Long, EventSubscription> subscriptions = new ConcurrentHashMap<>();
    private volatile Set<String> publishers = Set.of();
    /** Guarded by this. */
    private Subscription publisherWatch;
    /** Guarded by this. */
    private NetServer server;

    private volatile String listening;
    private volatile boolean closed;

    private TcpRequestPlane(Vertx vertx, boolean ownsVertx, TcpPlaneSettings settings, Discovery discovery) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.settings = settings;
        this.discovery = discovery;
        this.client =
                vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout((int)
                        settings.ackTimeout().toMillis()));
        this.callbacks = new PlaneExecutor("vigil-tcp-callback");
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.numbered("vigil-tcp-timer-"));
        long heartbeat = settings.heartbeatInterval().toMillis();
        timer.scheduleAtFixedRate(this::sendHeartbeats, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        // A tenth of the shortest timeout: a timeout fires at most that much late.
        long sweep = Math.max(
                10,
                Math.min(
                                settings.silenceTimeout().toMillis(),
                                settings.ackTimeout().toMillis())
                        / 10);
        timer.scheduleAtFixedRate(this::checkTimeouts, sweep, sweep, TimeUnit.MILLISECONDS);
        long relink = EVENT_RELINK.toMillis();
        timer.scheduleAtFixedRate(this::linkPublishers, relink, relink, TimeUnit.MILLISECONDS);
    }

    /**
     * A plane on the application's Vert.x (not closed with the plane). It listens only once an
     * endpoint is addressed ({@link #transport}); a process that only calls never opens a port.
     *
     * @param discovery where event subscriptions find the processes that publish; null for a plane
     *     that does not subscribe
     */
    public static TcpRequestPlane create(Vertx vertx, TcpPlaneSettings settings, Discovery discovery) {
        return new TcpRequestPlane(
                Objects.requireNonNull(vertx, "vertx"), false, Objects.requireNonNull(settings, "settings"), discovery);
    }

    /** A plane with a Vert.x of its own, closed with it (tests, tools). */
    public static TcpRequestPlane create(TcpPlaneSettings settings, Discovery discovery) {
        return new TcpRequestPlane(Vertx.vertx(), true, Objects.requireNonNull(settings, "settings"), discovery);
    }

    public TcpPlaneSettings settings() {
        return settings;
    }

    /**
     * {@code host:port/<id hex>/<endpoint>}, on this plane's listener, which starts listening now if
     * it does not yet (so the port chosen for {@code DYN_TCP_RPC_PORT=0} is the one published).
     */
    @Override
    public Transport transport(EndpointId endpoint, InstanceId id) {
        return new Transport.Tcp(listening() + "/" + id.hex() + "/" + endpoint.endpoint());
    }

    /** {@code host:port} as published, once listening. */
    public synchronized String listening() {
        requireOpen();
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
                    if (closed) {
                        connection.close();
                    }
                });
        String where = settings.host() + ":" + settings.port();
        try {
            created.listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
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

    @Override
    public ServedEndpoint serve(String subject, RequestHandler handler) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(handler, "handler");
        requireOpen();
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

    @Override
    public ResponseStream call(String subject, String requestId, byte[] payload, ResponseObserver observer) {
        return call(subject, requestId, payload, observer, callbacks);
    }

    @Override
    public ResponseStream call(
            String subject, String requestId, byte[] payload, ResponseObserver observer, Executor callbacks) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(callbacks, "callbacks");
        requireOpen();
        ObserverChannel channel =
                new ObserverChannel(observer, callbacks, ObserverChannel.DEFAULT_MAX_HELD_BYTES, heldBytes);
        Optional<TcpAddress> parsed = TcpAddress.parse(subject);
        if (parsed.isEmpty()) {
            channel.error(new StreamError.CannotConnect("'" + subject
                    + "' is not a TCP request plane address (host:port/id/endpoint); does that worker run"
                    + " another DYN_REQUEST_PLANE?"));
            return new NoCall(requestId);
        }
        TcpAddress address = parsed.get();
        long stream = nextId.incrementAndGet();
        Buffer request = TcpWire.request(stream, address.key(), requestId, payload);
        // A connection found closed between lookup and use is replaced once; a second closed one
        // means the server is going away.
        TcpCall call = null;
        Context loop = callingLoop();
        for (int attempt = 0; attempt < 2; attempt++) {
            TcpPeer peer = peer(address, loop);
            call = new TcpCall(peer, stream, subject, requestId, channel);
            if (peer.start(call, request)) {
                return call;
            }
        }
        call.connectionLost("connection to " + address.server() + " closed");
        return call;
    }

    @Override
    public long maxPayloadBytes() {
        return TcpWire.MAX_FRAME - TcpWire.REQUEST_ROOM;
    }

    /** Sends the event to every connected caller that subscribed to a matching subject. */
    @Override
    public long heldBytes() {
        return heldBytes.get();
    }

    @Override
    public long rejectedTasks() {
        return callbacks.rejected();
    }

    @Override
    public void publish(String subject, byte[] payload) {
        Subjects.requireValid(subject);
        Objects.requireNonNull(payload, "payload");
        requireOpen();
        for (TcpServerConnection connection : connections) {
            connection.publish(subject, payload);
        }
    }

    /**
     * Subscribes on every process in discovery that serves on the TCP plane (now and as they come),
     * and returns once the ones known now confirmed it (or did not within a few seconds: a
     * publisher that cannot be reached is retried every second while it is in discovery). On an
     * event loop it returns at once, the confirmations coming later: a loop must never wait.
     */
    @Override
    public Subscription subscribe(String subject, Consumer<byte[]> handler) {
        Subjects.requireValid(subject);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        if (discovery == null) {
            throw new IllegalStateException("this TCP plane has no discovery to find event publishers with");
        }
        long id = nextId.incrementAndGet();
        subscriptions.put(id, new EventSubscription(subject, handler, new SerialExecutor(callbacks)));
        watchPublishers();
        List<CompletableFuture<Void>> confirmed = publishers.stream()
                .map(server -> peer(server).subscribe(id, subject))
                .toList();
        CompletableFuture<Void> all = CompletableFuture.allOf(
                confirmed.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new));
        if (Context.isOnEventLoopThread()) {
            return unsubscriber(id);
        }
        try {
            all.get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.debugf("Subscription to %s not confirmed by every publisher: %s", subject, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return unsubscriber(id);
    }

    private Subscription unsubscriber(long id) {
        return () -> {
            if (subscriptions.remove(id) != null) {
                peers.values().forEach(peer -> peer.unsubscribe(id));
            }
        };
    }

    /** Whether the plane is open: there is no broker whose connection could be down. */
    @Override
    public boolean connected() {
        return !closed;
    }

    /**
     * Stops serving and listening, ends the streams of open calls with {@link
     * StreamError.Disconnected}, kills the requests being served (their callers see the connection
     * close at once, and may retry elsewhere), and closes every connection. Idempotent.
     */
    @Override
    public void close() {
        Subscription watch;
        NetServer listener;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            watch = publisherWatch;
            listener = server;
        }
        timer.shutdownNow();
        if (watch != null) {
            watch.close();
        }
        endpoints.values().forEach(TcpEndpoint::close);
        for (TcpPeer peer : List.copyOf(peers.values())) {
            for (TcpCall call : List.copyOf(collect(peer.calls()))) {
                call.abandon(new StreamError.Disconnected("request plane closed"));
            }
            peer.close();
        }
        for (TcpServerConnection connection : List.copyOf(connections)) {
            for (TcpServedRequest request : List.copyOf(collect(connection.requests()))) {
                request.control(Control.KILL);
            }
            connection.close();
        }
        if (listener != null) {
            await(listener.close().toCompletionStage().toCompletableFuture());
        }
        await(client.close().toCompletionStage().toCompletableFuture());
        // Not shutdownNow: the Disconnected errors just queued must still reach their observers.
        callbacks.shutdown();
        if (ownsVertx) {
            await(vertx.close().toCompletionStage().toCompletableFuture());
        }
        LOG.infof("Closed the TCP request plane%s", listening == null ? "" : " on " + listening);
    }

    // What the connections call back.

    /** A request arrived on a caller's connection (on its event loop). */
    void accept(TcpServerConnection connection, long stream, String key, String requestId, byte[] payload) {
        TcpEndpoint endpoint = endpoints.get(key);
        // Counted before anything else happens to it; a closed endpoint takes no request, and its
        // caller hears so at once (it may try another instance).
        if (closed || endpoint == null || !endpoint.tryAccept()) {
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

    /** The connection is gone: the next call to that process opens a new one. */
    void forget(TcpPeer peer) {
        peers.remove(peer.key(), peer);
    }

    void unserve(TcpEndpoint endpoint) {
        endpoints.remove(endpoint.key(), endpoint);
        LOG.infof("Stopped serving %s on TCP (%d requests in flight go on)", endpoint.subject(), endpoint.inFlight());
    }

    void deliverEvent(long subscription, Buffer frame) {
        EventSubscription target = subscriptions.get(subscription);
        if (target == null) {
            return;
        }
        int[] next = new int[1];
        String subject = TcpWire.string(frame, 0, next);
        byte[] payload = TcpWire.rest(frame, next[0]);
        try {
            target.serial().execute(() -> {
                try {
                    target.handler().accept(payload);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Event handler for %s failed", subject);
                }
            });
        } catch (RejectedExecutionException e) {
            // The handler fell SerialExecutor.MAX_QUEUED events behind: this one is dropped.
            callbacks.countRejected();
            LOG.debugf("Dropped an event on %s: %s", subject, e.getMessage());
        }
    }

    // Inside.

    /**
     * The connection for a call made on {@code loop}, one of this plane's event loops (an HTTP
     * request's handler in the frontend), or null for any other thread. A loop gets connections of
     * its own: the request frame is written, and the response frames read and handed to the caller,
     * on the thread the call came from, with no hand-off to another loop and back (two wake-ups per
     * unary request when one connection served every loop). Other threads, and event
     * links, share one connection per listener. A connection is opened on first use, on its loop.
     */
    private TcpPeer peer(TcpAddress address, Context loop) {
        // Called on the loop's own thread, which runs exactly one Netty event loop: it names the loop.
        PeerKey key = new PeerKey(address.server(), loop == null ? null : Thread.currentThread());
        TcpPeer existing = peers.get(key);
        if (existing != null) {
            return existing;
        }
        TcpPeer created = new TcpPeer(this, key, address.server());
        existing = peers.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        if (loop == null) {
            created.connect(client, address.host(), address.port());
        } else {
            // On the loop's own context, not the request's duplicate of it: the connection outlives
            // the request, and Vert.x binds a socket to the context it was opened on.
            loop.runOnContext(v -> created.connect(client, address.host(), address.port()));
        }
        return created;
    }

    /** The event loop context (of this plane's Vert.x) the current thread runs, or null. */
    private Context callingLoop() {
        if (!Context.isOnEventLoopThread()) {
            return null;
        }
        Context current = Vertx.currentContext();
        if (current == null || current.owner() != vertx) {
            return null;
        }
        // A request's handlers run on a duplicate of the loop's context; the root is the loop's own.
        Context root = VertxContext.getRootContext(current);
        return root.isEventLoopContext() ? root : null;
    }

    private TcpPeer peer(String server) {
        return peer(TcpAddress.parse(server + "/events").orElseThrow(), null);
    }

    /** Starts following which processes serve on the TCP plane (event publishers), once. */
    private void watchPublishers() {
        synchronized (this) {
            if (publisherWatch != null) {
                return;
            }
            // Those known now first, so the first subscription is confirmed by them before it returns.
            publishers = servers(discovery.instances());
            publisherWatch = discovery.watchInstances(change -> {
                publishers = servers(change.current().values());
                linkPublishers();
            });
        }
    }

    /** Opens a connection to every publisher that has none and subscribes on it. */
    private void linkPublishers() {
        if (closed || subscriptions.isEmpty()) {
            return;
        }
        try {
            for (String server : publishers) {
                TcpPeer peer = peer(server);
                for (Map.Entry<Long, EventSubscription> s : subscriptions.entrySet()) {
                    peer.subscribe(s.getKey(), s.getValue().pattern());
                }
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again.
            LOG.warnf(e, "Linking event publishers failed");
        }
    }

    private static Set<String> servers(Collection<Instance> instances) {
        Set<String> servers = new HashSet<>();
        for (Instance instance : instances) {
            if (instance.transport() instanceof Transport.Tcp tcp) {
                TcpAddress.parse(tcp.address()).ifPresent(a -> servers.add(a.server()));
            }
        }
        return Set.copyOf(servers);
    }

    private void sendHeartbeats() {
        try {
            for (TcpServerConnection connection : connections) {
                connection.heartbeat();
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Sending heartbeats failed");
        }
    }

    private void checkTimeouts() {
        try {
            long now = System.nanoTime();
            long tolerable = settings.heartbeatInterval().toNanos();
            for (TcpPeer peer : peers.values()) {
                if (!peer.calls().iterator().hasNext()) {
                    continue;
                }
                if (peer.loopLagNanos(now, tolerable) > tolerable) {
                    // Our own loop is behind on its reads: no timeout of this connection can be judged.
                    continue;
                }
                long lastRead = peer.lastReadNanos();
                long caughtUp = peer.caughtUpNanos();
                for (TcpCall call : peer.calls()) {
                    call.checkTimeouts(now, lastRead, caughtUp, settings);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Checking stream timeouts failed");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("request plane closed");
        }
    }

    private static <T> List<T> collect(Iterable<T> items) {
        List<T> list = new java.util.ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    private static void await(CompletableFuture<?> future) {
        try {
            future.get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debugf("Closing part of the TCP plane: %s", e.toString());
        }
    }

    private static String ownAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            // A host name that does not resolve: loopback still serves a single-machine cluster.
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }

    /** A connection's key: the listener ({@code host:port}) and the caller's event loop, or null. */
    /** {@code loop}: the event loop thread whose calls share the connection, or null for all others. */
    record PeerKey(String server, Thread loop) {}

    private record EventSubscription(String pattern, Consumer<byte[]> handler, SerialExecutor serial) {}
}
