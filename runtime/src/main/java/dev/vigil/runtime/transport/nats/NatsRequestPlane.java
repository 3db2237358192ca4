package dev.vigil.runtime.transport.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.Transport;
import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.RequestPlaneException;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.PlaneExecutor;
import dev.vigil.runtime.transport.support.RemoteCall;

/**
 * The request plane on NATS core (no JetStream): one connection per process, which reconnects by
 * itself after nats-server restarts.
 *
 * <p>Its calling side is {@link NatsCalls} (with a {@link NatsCall} per request), its serving side
 * {@link NatsServing}; both share the one connection, the callback pool and the timer, which this
 * class owns and closes.
 *
 * <p>The wire protocol it speaks, its threads and its connection handling are described in this
 * package's documentation ({@code package-info.java}).
 */
public final class NatsRequestPlane implements RequestPlane {

    private static final Logger LOG = Logger.getLogger(NatsRequestPlane.class);

    static final long RECONNECT_WAIT_MILLIS = 250;
    /** How long one connection attempt may take; {@link #connect} makes one per resolved address. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** How long nats-server has to confirm a subscription, and {@link #close} to drain. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    /** nats-server's default {@code max_payload}, 1 MiB. */
    private static final long DEFAULT_MAX_PAYLOAD = 1024 * 1024;

    /** Kept free below {@code max_payload} for what travels with a request's body (its headers). */
    private static final long HEADER_ROOM = 1024;

    private final String url;
    private final NatsPlaneSettings settings;
    private final Connection connection;
    private final PlaneExecutor callbacks;
    private final ScheduledExecutorService timer;
    /** The calling side: calls in flight and their reply subjects. */
    private final NatsCalls calls;
    /** The serving side: served subjects and requests in flight. */
    private final NatsServing serving;

    private volatile boolean closed;

    private NatsRequestPlane(String url, NatsPlaneSettings settings, Connection connection) {
        this.url = url;
        this.settings = settings;
        this.connection = connection;
        this.callbacks = new PlaneExecutor("vigil-nats-callback", settings.clock());
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.numbered("vigil-nats-timer-"));
        this.calls = new NatsCalls(url, settings, connection, callbacks);
        this.serving = new NatsServing(url, connection, callbacks);
        long heartbeat = settings.heartbeatInterval().toMillis();
        timer.scheduleAtFixedRate(serving::sendHeartbeats, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        long sweep = RemoteCall.sweepMillis(settings.silenceTimeout(), settings.ackTimeout());
        timer.scheduleAtFixedRate(calls::checkTimeouts, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to nats-server at {@code natsUrl} ({@code nats://host:port}) and returns once connected
     * and the plane's own subscriptions are confirmed.
     *
     * @throws RequestPlaneException naming the URL when nats-server cannot be reached (within a few
     *     seconds) or the URL is invalid
     */
    public static NatsRequestPlane connect(String natsUrl, NatsPlaneSettings settings) {
        return connect(natsUrl, settings, Duration.ZERO, Clock.SYSTEM);
    }

    /** How often a start-up wait for nats-server says it is still waiting. */
    static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(10);

    /**
     * As {@link #connect(String, NatsPlaneSettings)}, but a nats-server that cannot be reached yet is
     * tried again until {@code startupWait} has passed (measured on {@code clock}), with a WARN every
     * 10 s, so a process started before nats-server waits for it instead of exiting. Zero: one try.
     *
     * @throws RequestPlaneException naming the URL and the time spent, once the wait is over
     */
    public static NatsRequestPlane connect(
            String natsUrl, NatsPlaneSettings settings, Duration startupWait, Clock clock) {
        Objects.requireNonNull(natsUrl, "natsUrl");
        Objects.requireNonNull(settings, "settings");
        NatsConnectionEvents events = new NatsConnectionEvents(natsUrl);
        Options options;
        try {
            options = new Options.Builder()
                    .server(natsUrl)
                    .connectionName("vigil")
                    .connectionTimeout(CONNECTION_TIMEOUT)
                    // Never give up: a worker outlives nats-server restarts.
                    .maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(RECONNECT_WAIT_MILLIS))
                    // The default (2 min) would leave a half-open connection unnoticed that long.
                    .pingInterval(Duration.ofSeconds(5))
                    .connectionListener(events)
                    .errorListener(events)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new RequestPlaneException("Invalid NATS URL '" + natsUrl + "': " + e.getMessage(), e);
        }
        Connection connection = connectWithin(natsUrl, options, startupWait, clock);
        NatsRequestPlane plane;
        try {
            plane = new NatsRequestPlane(natsUrl, settings, connection);
            connection.flush(CONFIRM_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            closeQuietly(connection);
            throw new RequestPlaneException("NATS at " + natsUrl + " did not confirm subscriptions: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(connection);
            throw new RequestPlaneException("Interrupted while connecting to NATS at " + natsUrl, e);
        }
        LOG.infof(
                "Connected to NATS at %s (heartbeat %d ms, silence timeout %d ms, ack timeout %d ms)",
                natsUrl,
                settings.heartbeatInterval().toMillis(),
                settings.silenceTimeout().toMillis(),
                settings.ackTimeout().toMillis());
        return plane;
    }

    public String url() {
        return url;
    }

    public NatsPlaneSettings settings() {
        return settings;
    }

    /** The endpoint's subject ({@code EndpointId.subject}). */
    @Override
    public Transport transport(EndpointId endpoint, InstanceId id) {
        return new Transport.Nats(endpoint.subject(id));
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
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(payload, "payload");
        requireOpen();
        return calls.call(subject, requestId, payload, observer, connected());
    }

    @Override
    public long maxPayloadBytes() {
        long max = connection.getMaxPayload();
        // Before the first INFO (never connected) jnats reports no limit: assume nats-server's default.
        return (max > 0 ? max : DEFAULT_MAX_PAYLOAD) - HEADER_ROOM;
    }

    @Override
    public long heldBytes() {
        return calls.heldBytes();
    }

    @Override
    public long rejectedTasks() {
        return callbacks.rejected();
    }

    @Override
    public void publish(String subject, byte[] payload) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        requireOpen();
        try {
            connection.publish(subject, payload);
        } catch (IllegalStateException e) {
            // Fire and forget: while reconnecting jnats buffers; only a full buffer gets here.
            LOG.debugf("Dropped an event on %s: %s", subject, e.getMessage());
        }
    }

    @Override
    public Subscription subscribe(String subject, Consumer<byte[]> handler) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        Dispatcher dispatcher = connection.createDispatcher(message -> {
            try {
                handler.accept(message.getData());
            } catch (RuntimeException e) {
                LOG.warnf(e, "Event handler for %s failed", subject);
            }
        });
        try {
            dispatcher.subscribe(subject);
            // The round trip proves the server has the subscription; an event loop must never wait
            // for it (the subscription still goes out, in order, with the connection's next flush).
            if (!io.vertx.core.Context.isOnEventLoopThread()) {
                connection.flush(CONFIRM_TIMEOUT);
            }
        } catch (TimeoutException | RuntimeException e) {
            closeDispatcherQuietly(dispatcher);
            throw new RequestPlaneException("Cannot subscribe to " + subject + " on NATS at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeDispatcherQuietly(dispatcher);
            throw new RequestPlaneException("Interrupted while subscribing to " + subject, e);
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false) && !closed) {
                closeDispatcherQuietly(dispatcher);
            }
        };
    }

    @Override
    public boolean connected() {
        return !closed && connection.getStatus() == Connection.Status.CONNECTED;
    }

    /**
     * Stops serving, ends the streams of open calls with {@link StreamError.Disconnected}, kills the
     * requests being served (their callers notice by the silence timeout, and may retry elsewhere),
     * then drains and closes the connection, within a few seconds. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        serving.close();
        calls.abandonAll(new StreamError.Disconnected("request plane closed"));
        serving.killAll();
        // Draining is a courtesy (what is queued goes out first); closing is what matters, and
        // while disconnected there is nobody to drain to: it would only wait out its timeout.
        if (connection.getStatus() == Connection.Status.CONNECTED) {
            try {
                connection.drain(CONFIRM_TIMEOUT).get(CONFIRM_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debugf("Draining the NATS connection to %s failed: %s", url, e);
            }
        }
        closeQuietly(connection);
        // Not shutdownNow: the Disconnected errors just queued must still reach their observers.
        callbacks.shutdown();
        LOG.infof("Closed the request plane on NATS at %s", url);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("request plane closed");
        }
    }

    private void closeDispatcherQuietly(Dispatcher dispatcher) {
        try {
            connection.closeDispatcher(dispatcher);
        } catch (RuntimeException e) {
            LOG.debugf("Closing a dispatcher failed: %s", e);
        }
    }

    private static Connection connectWithin(String natsUrl, Options options, Duration wait, Clock clock) {
        long start = clock.nanoTime();
        long nextReport = start + STILL_WAITING_EVERY.toNanos();
        while (true) {
            try {
                return Nats.connect(options);
            } catch (IOException e) {
                long spent = clock.nanoTime() - start;
                if (spent >= wait.toNanos()) {
                    String tried = wait.isZero() ? "" : " (tried for " + wait.toSeconds() + " s)";
                    throw new RequestPlaneException(
                            "Cannot connect to NATS at " + natsUrl + tried + ": " + e.getMessage(), e);
                }
                if (clock.nanoTime() - nextReport >= 0) {
                    LOG.warnf(
                            "Cannot reach NATS at %s: still trying, %d s of %d s spent: %s",
                            natsUrl, TimeUnit.NANOSECONDS.toSeconds(spent), wait.toSeconds(), e.getMessage());
                    nextReport += STILL_WAITING_EVERY.toNanos();
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(RECONNECT_WAIT_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new RequestPlaneException("Interrupted while connecting to NATS at " + natsUrl, interrupted);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RequestPlaneException("Interrupted while connecting to NATS at " + natsUrl, e);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debugf("Closing the NATS connection failed: %s", e);
        }
    }

    /** The last token of a subject: the key of a call or served request under an inbox. */
    static String lastToken(String subject) {
        return subject.substring(subject.lastIndexOf('.') + 1);
    }
}
