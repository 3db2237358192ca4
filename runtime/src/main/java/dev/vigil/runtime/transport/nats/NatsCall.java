package dev.vigil.runtime.transport.nats;

import org.jboss.logging.Logger;

import io.nats.client.Message;

import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.ObserverChannel;
import dev.vigil.runtime.transport.support.RemoteCall;

/**
 * The calling side of one request on NATS: decodes the frames of its reply subject for {@link
 * RemoteCall} (which checks acknowledgement, sequence and silence) and learns from them where its
 * control messages go. Frames come from the plane's inbox dispatcher, timeouts from its timer; both
 * take this object's lock, so a stream's state changes one at a time. NATS has no credit: {@link
 * #pause} holds data for a client that stopped reading, within the channel's bound.
 */
final class NatsCall extends RemoteCall {

    private static final Logger LOG = Logger.getLogger(NatsCall.class);

    private final NatsCalls calls;
    private final String token;
    private String controlSubject;
    private boolean stopAsked;
    private boolean stopSent;

    NatsCall(NatsCalls calls, String token, String subject, String requestId, ObserverChannel channel, Clock clock) {
        super(LOG, clock, subject, requestId, channel);
        this.calls = calls;
        this.token = token;
    }

    String token() {
        return token;
    }

    /** One message on this call's reply subject, in the order NATS delivered them. */
    synchronized void onFrame(Message message) {
        if (!heard()) {
            return;
        }
        if (message.isStatusMessage()) {
            if (NatsWire.isNoResponders(message)) {
                end(new StreamError.CannotConnect("no responders on " + address()), false);
            }
            // Other statuses are not sent to plain subscriptions; nothing to do with one.
            return;
        }
        if (controlSubject == null && message.getReplyTo() != null) {
            // Every frame names where control messages go; the first one is the acknowledgement.
            controlSubject = message.getReplyTo();
            acknowledge();
            if (stopAsked && !stopSent) {
                stopSent = true;
                calls.sendControl(controlSubject, Control.STOP, requestId());
            }
        }
        String kind = NatsWire.header(message, NatsWire.FRAME);
        if (kind == null) {
            return;
        }
        switch (kind) {
            case NatsWire.FRAME_DATA -> {
                byte[] data = message.getData();
                // When the caller's client did not read and the stream's bound was reached (NATS
                // has no credit), the channel ends the stream and the worker is told to stop.
                data(NatsWire.seq(message), data == null ? NatsWire.EMPTY : data);
            }
            case NatsWire.FRAME_END -> endAt(NatsWire.seq(message), null);
            case NatsWire.FRAME_ERROR -> endAt(
                    NatsWire.seq(message),
                    NatsWire.errorKind(NatsWire.header(message, NatsWire.ERROR_KIND))
                            .error(NatsWire.text(message)));
            default -> {
                // ack, heartbeat, or a kind from a newer peer: proof of life only.
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (channel().ended() || stopAsked) {
            return;
        }
        stopAsked = true;
        // Before the acknowledgement we do not know where to send it: it goes with the ack.
        if (controlSubject != null) {
            stopSent = true;
            calls.sendControl(controlSubject, Control.STOP, requestId());
        }
    }

    @Override
    protected void forget() {
        calls.forget(this);
    }

    /**
     * Before the acknowledgement we do not know where to send it; the plane answers any frame of a
     * forgotten call with a KILL, so a late acknowledgement is killed as it arrives.
     */
    @Override
    protected void killRemote() {
        if (controlSubject != null) {
            calls.sendControl(controlSubject, Control.KILL, requestId());
        }
    }
}
