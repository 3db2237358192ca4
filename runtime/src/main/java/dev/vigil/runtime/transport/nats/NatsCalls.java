package dev.vigil.runtime.transport.nats;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.NoCall;
import dev.vigil.runtime.transport.support.ObserverChannel;
import dev.vigil.runtime.transport.support.PlaneExecutor;

/**
 * The calling side of the NATS plane: the calls in flight, each with a reply subject under this
 * process's caller inbox, and the dispatcher that hands their frames to them. A frame for a call
 * that has ended is answered with a KILL, so a worker never goes on generating what nobody reads.
 */
final class NatsCalls {

    private static final Logger LOG = Logger.getLogger(NatsRequestPlane.class);

    private final String url;
    private final NatsPlaneSettings settings;
    private final Connection connection;
    private final PlaneExecutor callbacks;
    private final String callerInbox;
    private final ConcurrentMap<String, NatsCall> calls = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong();
    /** What the streams of these calls hold for their observers ({@link #heldBytes()}). */
    private final AtomicLong heldBytes = new AtomicLong();

    NatsCalls(String url, NatsPlaneSettings settings, Connection connection, PlaneExecutor callbacks) {
        this.url = url;
        this.settings = settings;
        this.connection = connection;
        this.callbacks = callbacks;
        this.callerInbox = connection.createInbox();
        Dispatcher replies = connection.createDispatcher();
        replies.subscribe(callerInbox + ".*", this::onReply);
    }

    /** Sends one request; {@code connected}: whether the plane is connected now (else it fails at once). */
    ResponseStream call(
            String subject, String requestId, byte[] payload, ResponseObserver observer, boolean connected) {
        ObserverChannel channel =
                new ObserverChannel(observer, callbacks, ObserverChannel.DEFAULT_MAX_HELD_BYTES, heldBytes);
        if (!connected) {
            channel.error(new StreamError.CannotConnect("not connected to NATS at " + url));
            return new NoCall(requestId);
        }
        String token = Long.toString(nextToken.incrementAndGet(), 36);
        NatsCall call = new NatsCall(this, token, subject, requestId, channel, settings.clock());
        calls.put(token, call);
        try {
            connection.publish(
                    subject, callerInbox + "." + token, new Headers().put(NatsWire.REQUEST_ID, requestId), payload);
        } catch (RuntimeException e) {
            call.abandon(new StreamError.CannotConnect("cannot send to " + subject + ": " + e.getMessage()));
        }
        return call;
    }

    long heldBytes() {
        return heldBytes.get();
    }

    /** Called by the plane's timer: fails the calls that waited too long for an acknowledgement or a frame. */
    void checkTimeouts() {
        try {
            long now = settings.clock().nanoTime();
            for (NatsCall call : calls.values()) {
                // No proof of life but the call's own frames: every frame of a stream comes on its own.
                call.checkTimeouts(
                        now, Long.MIN_VALUE, Long.MIN_VALUE, settings.ackTimeout(), settings.silenceTimeout());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Checking stream timeouts failed");
        }
    }

    /** Ends every open call with {@code error}: the plane is closing. */
    void abandonAll(StreamError error) {
        for (NatsCall call : List.copyOf(calls.values())) {
            call.abandon(error);
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

    /** A frame (or nats-server status) on this plane's caller inbox. */
    private void onReply(Message message) {
        String token = NatsRequestPlane.lastToken(message.getSubject());
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
}
