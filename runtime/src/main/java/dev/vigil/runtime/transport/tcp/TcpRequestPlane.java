package dev.vigil.runtime.transport.tcp;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.discovery.Discovery;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.Transport;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.PlaneExecutor;
import dev.vigil.runtime.transport.support.RemoteCall;
import dev.vigil.runtime.transport.support.Subjects;

/**
 * The direct request plane ({@code DYN_REQUEST_PLANE=tcp}): a serving process listens on one TCP
 * port for all its endpoints; a calling process keeps persistent connections to each serving process
 * (one per event loop that calls, one shared by other threads) and multiplexes its streams on them.
 * No broker sits in between, and a connection that closes ends its streams at once.
 *
 * <p>This class owns what both sides share (the Vert.x, the callback pool, the timer) and opens and
 * closes them; the calling side is {@link TcpCalls}, the serving side {@link TcpServing}, and event
 * subscriptions {@link TcpSubscriptions}. The wire protocol, its threads and how events find their
 * subscribers are described in this package's documentation ({@code package-info.java}).
 */
public final class TcpRequestPlane implements RequestPlane {

    private static final Logger LOG = Logger.getLogger(TcpRequestPlane.class);

    /** How long listening, and confirming a subscription with the publishers known now, may take. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
    /** How often connections to event publishers that went away are opened again. */
    private static final Duration EVENT_RELINK = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final TcpPlaneSettings settings;
    private final PlaneExecutor callbacks;
    private final ScheduledExecutorService timer;
    private final TcpCalls calls;
    private final TcpServing serving;
    private final TcpSubscriptions subscriptions;

    private volatile boolean closed;

    private TcpRequestPlane(Vertx vertx, boolean ownsVertx, TcpPlaneSettings settings, Discovery discovery) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.settings = settings;
        this.callbacks = new PlaneExecutor("vigil-tcp-callback", settings.clock());
        this.calls = new TcpCalls(vertx, settings, this::deliverEvent);
        this.serving = new TcpServing(vertx, settings, callbacks, () -> closed);
        this.subscriptions = new TcpSubscriptions(discovery, calls, callbacks, () -> closed);
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.numbered("vigil-tcp-timer-"));
        long heartbeat = settings.heartbeatInterval().toMillis();
        timer.scheduleAtFixedRate(serving::sendHeartbeats, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        long sweep = RemoteCall.sweepMillis(settings.silenceTimeout(), settings.ackTimeout());
        timer.scheduleAtFixedRate(calls::checkTimeouts, sweep, sweep, TimeUnit.MILLISECONDS);
        long relink = EVENT_RELINK.toMillis();
        timer.scheduleAtFixedRate(subscriptions::linkPublishers, relink, relink, TimeUnit.MILLISECONDS);
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
    public String listening() {
        requireOpen();
        return serving.listening();
    }

    @Override
    public ServedEndpoint serve(String subject, RequestHandler handler) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        return serving.serve(subject, handler);
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
        return calls.call(subject, requestId, payload, observer, callbacks);
    }

    @Override
    public long maxPayloadBytes() {
        return TcpWire.MAX_FRAME - TcpWire.REQUEST_ROOM;
    }

    @Override
    public long heldBytes() {
        return calls.heldBytes();
    }

    @Override
    public long rejectedTasks() {
        return callbacks.rejected();
    }

    /** Sends the event to every connected caller that subscribed to a matching subject. */
    @Override
    public void publish(String subject, byte[] payload) {
        Subjects.requireValid(subject);
        Objects.requireNonNull(payload, "payload");
        requireOpen();
        serving.publish(subject, payload);
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
        return subscriptions.subscribe(subject, handler);
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
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        timer.shutdownNow();
        subscriptions.close();
        serving.stopServing();
        calls.closeConnections(new StreamError.Disconnected("request plane closed"));
        await(serving.close());
        await(calls.closeClient());
        // Not shutdownNow: the Disconnected errors just queued must still reach their observers.
        callbacks.shutdown();
        if (ownsVertx) {
            await(vertx.close().toCompletionStage().toCompletableFuture());
        }
        String published = serving.published();
        LOG.infof("Closed the TCP request plane%s", published == null ? "" : " on " + published);
    }

    private void deliverEvent(long subscription, Buffer frame) {
        subscriptions.deliver(subscription, frame);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("request plane closed");
        }
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
}
