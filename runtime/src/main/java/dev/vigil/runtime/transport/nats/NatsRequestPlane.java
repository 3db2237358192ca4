package dev.vigil.runtime.transport.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;

import dev.vigil.runtime.Threads;
import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
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

/**
 * The request plane on NATS core (no JetStream): one connection per process, which reconnects by
 * itself after nats-server restarts.
 *
 * <p>The wire protocol it speaks, its threads and its connection handling are described in this
 * package's documentation ({@code package-info.java}).
 */
public final class NatsRequestPlane implements RequestPlane {

    private static final Logger LOG = Logger.getLogger(NatsRequestPlane.class);

    /** What the streams of this plane's calls hold for their observers ({@link #heldBytes()}). */
    private final java.util.concurrent.atomic.AtomicLong heldBytes = new java.util.concurrent.atomic.AtomicLong();

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
    private final String callerInbox;
    private final String serverInbox;
    private final Dispatcher replies;
    private final Dispatcher serving;
    private final PlaneExecutor callbacks;
    private final ScheduledExecutorService timer;
    private final AtomicLong nextToken = new AtomicLong();
    private final ConcurrentMap<String, NatsCall> calls = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, NatsServedRequest> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, NatsEndpoint> endpoints = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private NatsRequestPlane(String url, NatsPlaneSettings settings, Connection connection) {
        this.url = url;
        this.settings = settings;
        this.connection = connection;
        this.callbacks = new PlaneExecutor("vigil-nats-callback");
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.numbered("vigil-nats-timer-"));
        this.callerInbox = connection.createInbox();
        this.serverInbox = connection.createInbox();
        this.replies = connection.createDispatcher();
        this.serving = connection.createDispatcher();
        replies.subscribe(callerInbox + ".*", this::onReply);
        serving.subscribe(serverInbox + ".*", this::onControl);
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
    }

    /**
     * Connects to nats-server at {@code natsUrl} ({@code nats://host:port}) and returns once connected
     * and the plane's own subscriptions are confirmed.
     *
     * @throws RequestPlaneException naming the URL when nats-server cannot be reached (within a few
     *     seconds) or the URL is invalid
     */
    public static NatsRequestPlane connect(String natsUrl, NatsPlaneSettings settings) {
        Objects.requireNonNull(natsUrl, "natsUrl");
        Objects.requireNonNull(settings, "settings");
        ConnectionEvents events = new ConnectionEvents(natsUrl);
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
        Connection connection;
        try {
            connection = Nats.connect(options);
        } catch (IOException e) {
            throw new RequestPlaneException("Cannot connect to NATS at " + natsUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestPlaneException("Interrupted while connecting to NATS at " + natsUrl, e);
        }
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
        NatsEndpoint endpoint = new NatsEndpoint(this, subject, handler);
        if (endpoints.putIfAbsent(subject, endpoint) != null) {
            throw new IllegalStateException(subject + " is already served on this plane");
        }
        try {
            endpoint.subscribed(serving.subscribe(subject, message -> onRequest(endpoint, message)));
            // Only once nats-server has the subscription may the caller mark the endpoint served.
            connection.flush(CONFIRM_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            endpoint.close();
            throw new RequestPlaneException("Cannot serve " + subject + " on NATS at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endpoint.close();
            throw new RequestPlaneException("Interrupted while serving " + subject, e);
        }
        LOG.infof("Serving %s on NATS", subject);
        return endpoint;
    }

    @Override
    public ResponseStream call(String subject, String requestId, byte[] payload, ResponseObserver observer) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(payload, "payload");
        requireOpen();
        ObserverChannel channel =
                new ObserverChannel(observer, callbacks, ObserverChannel.DEFAULT_MAX_HELD_BYTES, heldBytes);
        if (!connected()) {
            channel.error(new StreamError.CannotConnect("not connected to NATS at " + url));
            return new NoCall(requestId);
        }
        String token = Long.toString(nextToken.incrementAndGet(), 36);
        NatsCall call = new NatsCall(this, token, subject, requestId, channel);
        calls.put(token, call);
        try {
            connection.publish(
                    subject, callerInbox + "." + token, new Headers().put(NatsWire.REQUEST_ID, requestId), payload);
        } catch (RuntimeException e) {
            call.abandon(new StreamError.CannotConnect("cannot send to " + subject + ": " + e.getMessage()));
        }
        return call;
    }

    @Override
    public long maxPayloadBytes() {
        long max = connection.getMaxPayload();
        // Before the first INFO (never connected) jnats reports no limit: assume nats-server's default.
        return (max > 0 ? max : DEFAULT_MAX_PAYLOAD) - HEADER_ROOM;
    }

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
        endpoints.values().forEach(NatsEndpoint::close);
        for (NatsCall call : List.copyOf(calls.values())) {
            call.abandon(new StreamError.Disconnected("request plane closed"));
        }
        for (NatsServedRequest request : List.copyOf(requests.values())) {
            request.control(Control.KILL);
        }
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

    /** A request arrived on a served subject (on the serving dispatcher thread). */
    private void onRequest(NatsEndpoint endpoint, Message message) {
        if (closed || !endpoint.accepting()) {
            return;
        }
        String reply = message.getReplyTo();
        if (reply == null) {
            LOG.debugf("Ignored a message without reply subject on %s", endpoint.subject());
            return;
        }
        // Counted before anything else happens to it; the endpoint may have closed since the check
        // above, and then the request is not taken (its caller sees no acknowledgement).
        if (!endpoint.tryAccept()) {
            return;
        }
        String requestId = Objects.requireNonNullElse(NatsWire.header(message, NatsWire.REQUEST_ID), "unknown");
        String key = Long.toString(nextToken.incrementAndGet(), 36);
        byte[] payload = Objects.requireNonNullElse(message.getData(), NatsWire.EMPTY);
        NatsServedRequest request = new NatsServedRequest(
                this, endpoint, key, requestId, payload, reply, serverInbox + "." + key, callbacks);
        requests.put(key, request);
        // Acknowledge before the handler runs: the caller learns at once that somebody has it.
        request.acknowledge();
        request.dispatch(callbacks, endpoint.handler(), endpoint.subject());
    }

    /** A frame (or nats-server status) on this plane's caller inbox. */
    private void onReply(Message message) {
        String token = lastToken(message.getSubject());
        NatsCall call = calls.get(token);
        if (call != null) {
            call.onFrame(message);
            return;
        }
        String kind = NatsWire.header(message, NatsWire.FRAME);
        if (!message.isStatusMessage()
                && message.getReplyTo() != null
                && !NatsWire.FRAME_END.equals(kind)
                && !NatsWire.FRAME_ERROR.equals(kind)) {
            // A worker still serves a call we gave up on: tell it to stop wasting work.
            sendControl(message.getReplyTo(), Control.KILL, "unknown");
        }
    }

    /** A control message, or nats-server's "no responders" for a frame, on this plane's server inbox. */
    private void onControl(Message message) {
        NatsServedRequest request = requests.get(lastToken(message.getSubject()));
        if (request == null) {
            return;
        }
        if (NatsWire.isNoResponders(message)) {
            LOG.debugf(
                    "Caller of request %s on %s went away (its inbox has no subscriber): killing it",
                    request.requestId(), request.subject());
            request.control(Control.KILL);
            return;
        }
        Control control = NatsWire.parseControl(message);
        if (control != null) {
            LOG.debugf("Request %s on %s: caller asked to %s", request.requestId(), request.subject(), control);
            request.control(control);
        }
    }

    private void sendHeartbeats() {
        try {
            for (NatsServedRequest request : requests.values()) {
                request.heartbeat();
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep heartbeating whatever happens.
            LOG.warnf(e, "Sending heartbeats failed");
        }
    }

    private void checkTimeouts() {
        try {
            long now = System.nanoTime();
            for (NatsCall call : calls.values()) {
                call.checkTimeouts(now, settings);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Checking stream timeouts failed");
        }
    }

    /** Publishes one frame; a frame that cannot be sent shows to the caller as a gap or silence. */
    void sendFrame(String subject, String replyTo, Headers headers, byte[] body) {
        try {
            connection.publish(subject, replyTo, headers, body);
        } catch (IllegalArgumentException e) {
            // Permanent (a frame larger than nats-server's max_payload): worth a warning.
            LOG.warnf("Could not send a frame to %s: %s", subject, e.getMessage());
        } catch (RuntimeException e) {
            // Transient (closing, reconnect buffer full): the caller sees the gap or the silence.
            LOG.debugf("Could not send a frame to %s: %s", subject, e.getMessage());
        }
    }

    void sendControl(String controlSubject, Control control, String requestId) {
        try {
            connection.publish(controlSubject, null, NatsWire.control(control, requestId), NatsWire.EMPTY);
        } catch (RuntimeException e) {
            LOG.debugf("Could not send %s for request %s: %s", control, requestId, e.getMessage());
        }
    }

    /** The call has ended: frames still arriving for it are answered with a KILL. */
    void forget(NatsCall call) {
        calls.remove(call.token(), call);
    }

    /** The served request has ended: no more heartbeats, control messages for it are ignored. */
    void served(NatsServedRequest request) {
        requests.remove(request.key(), request);
    }

    /** Called once by {@link NatsEndpoint#close()}. */
    void unserve(NatsEndpoint endpoint) {
        endpoints.remove(endpoint.subject(), endpoint);
        io.nats.client.Subscription subscription = endpoint.subscription();
        if (subscription == null || closed) {
            return;
        }
        try {
            serving.unsubscribe(subscription);
            // Once nats-server has the unsubscribe, new callers get "no responders" at once.
            connection.flush(CONFIRM_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            LOG.debugf("Unsubscribing %s was not confirmed: %s", endpoint.subject(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("Stopped serving %s on NATS (%d requests in flight go on)", endpoint.subject(), endpoint.inFlight());
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

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debugf("Closing the NATS connection failed: %s", e);
        }
    }

    private static String lastToken(String subject) {
        return subject.substring(subject.lastIndexOf('.') + 1);
    }

    /** Logs what jnats reports about the connection, in the operator's terms. */
    private static final class ConnectionEvents implements ConnectionListener, ErrorListener {

        private final String url;
        /** jnats reports DISCONNECTED again after each failed attempt; the operator needs it once. */
        private final AtomicBoolean down = new AtomicBoolean();

        ConnectionEvents(String url) {
            this.url = url;
        }

        @Override
        @SuppressWarnings("deprecation")
        public void connectionEvent(Connection connection, Events type) {
            switch (type) {
                case DISCONNECTED -> {
                    if (down.compareAndSet(false, true)) {
                        LOG.warnf(
                                "Lost the NATS connection to %s; reconnecting every %d ms", url, RECONNECT_WAIT_MILLIS);
                    }
                }
                case RECONNECTED -> {
                    down.set(false);
                    LOG.infof("Reconnected to NATS at %s", url);
                }
                case RESUBSCRIBED -> LOG.debugf("Subscriptions restored on NATS at %s", url);
                case LAME_DUCK -> LOG.warnf("NATS at %s is shutting down (lame duck mode)", url);
                default -> LOG.debugf("NATS connection to %s: %s", url, type.getEvent());
            }
        }

        @Override
        public void errorOccurred(Connection connection, String error) {
            LOG.warnf("NATS at %s reported an error: %s", url, error);
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            // I/O errors are how a lost connection (said once, above) and each failed reconnect
            // attempt show up: expected, not worth a warning each.
            if (!(exception instanceof IOException) && connection.getStatus() == Connection.Status.CONNECTED) {
                LOG.warnf("NATS connection to %s: %s", url, exception.toString());
            } else {
                LOG.debugf("NATS connection to %s: %s", url, exception.toString());
            }
        }

        @Override
        public void slowConsumerDetected(Connection connection, io.nats.client.Consumer consumer) {
            LOG.warnf("NATS at %s: a subscription fell behind and messages were dropped", url);
        }
    }
}
