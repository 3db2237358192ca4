package dev.vigil.runtime.transport.nats;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlaneException;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.support.PlaneExecutor;

/**
 * The serving side of the NATS plane: the subjects it serves (on one dispatcher), the requests in
 * flight with a control subject each under this process's server inbox, and their heartbeats.
 */
final class NatsServing {

    private static final Logger LOG = Logger.getLogger(NatsRequestPlane.class);

    private final String url;
    private final Connection connection;
    private final PlaneExecutor callbacks;
    private final String serverInbox;
    private final Dispatcher serving;
    private final AtomicLong nextKey = new AtomicLong();
    private final ConcurrentMap<String, NatsServedRequest> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, NatsEndpoint> endpoints = new ConcurrentHashMap<>();
    private volatile boolean closed;

    NatsServing(String url, Connection connection, PlaneExecutor callbacks) {
        this.url = url;
        this.connection = connection;
        this.callbacks = callbacks;
        this.serverInbox = connection.createInbox();
        this.serving = connection.createDispatcher();
        serving.subscribe(serverInbox + ".*", this::onControl);
    }

    ServedEndpoint serve(String subject, RequestHandler handler) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(handler, "handler");
        NatsEndpoint endpoint = new NatsEndpoint(this, subject, handler);
        if (endpoints.putIfAbsent(subject, endpoint) != null) {
            throw new IllegalStateException(subject + " is already served on this plane");
        }
        try {
            endpoint.subscribed(serving.subscribe(subject, message -> onRequest(endpoint, message)));
            // Only once nats-server has the subscription may the caller mark the endpoint served.
            connection.flush(NatsRequestPlane.CONFIRM_TIMEOUT);
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

    /** Stops serving every subject: the plane is closing. */
    void close() {
        closed = true;
        endpoints.values().forEach(NatsEndpoint::close);
    }

    /** Kills the requests being served (their callers notice by the silence timeout). */
    void killAll() {
        for (NatsServedRequest request : List.copyOf(requests.values())) {
            request.control(Control.KILL);
        }
    }

    void sendHeartbeats() {
        try {
            for (NatsServedRequest request : requests.values()) {
                request.heartbeat();
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep heartbeating whatever happens.
            LOG.warnf(e, "Sending heartbeats failed");
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
            connection.flush(NatsRequestPlane.CONFIRM_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            LOG.debugf("Unsubscribing %s was not confirmed: %s", endpoint.subject(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("Stopped serving %s on NATS (%d requests in flight go on)", endpoint.subject(), endpoint.inFlight());
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
        String key = Long.toString(nextKey.incrementAndGet(), 36);
        byte[] payload = Objects.requireNonNullElse(message.getData(), NatsWire.EMPTY);
        NatsServedRequest request = new NatsServedRequest(
                this, endpoint, key, requestId, payload, reply, serverInbox + "." + key, callbacks);
        requests.put(key, request);
        // Acknowledge before the handler runs: the caller learns at once that somebody has it.
        request.acknowledge();
        request.dispatch(callbacks, endpoint.handler(), endpoint.subject());
    }

    /** A control message, or nats-server's "no responders" for a frame, on this plane's server inbox. */
    private void onControl(Message message) {
        NatsServedRequest request = requests.get(NatsRequestPlane.lastToken(message.getSubject()));
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
}
