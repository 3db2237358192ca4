package dev.vigil.runtime.transport.nats;

import org.jboss.logging.Logger;

import io.nats.client.Message;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.ObserverChannel;

/**
 * The calling side of one request on NATS: checks the frames of its reply subject (acknowledgement,
 * sequence, silence) and passes them to the observer. Frames come from the plane's inbox dispatcher,
 * timeouts from its timer; both take this object's lock, so a stream's state changes one at a time.
 */
final class NatsCall implements ResponseStream {

    private static final Logger LOG = Logger.getLogger(NatsCall.class);

    private final NatsRequestPlane plane;
    private final String token;
    private final String subject;
    private final String requestId;
    private final ObserverChannel channel;
    private final long sentNanos;
    private long lastFrameNanos;
    private String controlSubject;
    private long expectedSeq;
    private boolean stopAsked;
    private boolean stopSent;

    NatsCall(NatsRequestPlane plane, String token, String subject, String requestId, ObserverChannel channel) {
        this.plane = plane;
        this.token = token;
        this.subject = subject;
        this.requestId = requestId;
        this.channel = channel;
        this.sentNanos = System.nanoTime();
        this.lastFrameNanos = sentNanos;
    }

    String token() {
        return token;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    /** One message on this call's reply subject, in the order NATS delivered them. */
    synchronized void onFrame(Message message) {
        if (channel.ended()) {
            return;
        }
        lastFrameNanos = System.nanoTime();
        if (message.isStatusMessage()) {
            if (NatsWire.isNoResponders(message)) {
                end(new StreamError.CannotConnect("no responders on " + subject), false);
            }
            // Other statuses are not sent to plain subscriptions; nothing to do with one.
            return;
        }
        if (controlSubject == null && message.getReplyTo() != null) {
            // Every frame names where control messages go; the first one is the acknowledgement.
            controlSubject = message.getReplyTo();
            if (stopAsked && !stopSent) {
                stopSent = true;
                plane.sendControl(controlSubject, Control.STOP, requestId);
            }
        }
        String kind = NatsWire.header(message, NatsWire.FRAME);
        if (kind == null) {
            return;
        }
        switch (kind) {
            case NatsWire.FRAME_DATA -> {
                long seq = NatsWire.seq(message);
                if (seq != expectedSeq) {
                    gap(seq);
                    return;
                }
                expectedSeq++;
                byte[] data = message.getData();
                if (!channel.data(data == null ? NatsWire.EMPTY : data)) {
                    // The caller's client did not read and the stream's bound was reached (NATS has
                    // no credit): the channel ended it; the worker must stop generating it.
                    plane.forget(this);
                    if (controlSubject != null) {
                        plane.sendControl(controlSubject, Control.KILL, requestId);
                    }
                }
            }
            case NatsWire.FRAME_END -> {
                long count = NatsWire.seq(message);
                if (count != expectedSeq) {
                    gap(count);
                    return;
                }
                end(null, false);
            }
            case NatsWire.FRAME_ERROR -> {
                long count = NatsWire.seq(message);
                if (count != expectedSeq) {
                    gap(count);
                    return;
                }
                String text = NatsWire.text(message);
                end(
                        NatsWire.errorKind(NatsWire.header(message, NatsWire.ERROR_KIND))
                                .error(text),
                        false);
            }
            default -> {
                // ack, heartbeat, or a kind from a newer peer: proof of life only.
            }
        }
    }

    /** Called by the plane's timer: fails the call if it waited too long for an acknowledgement or a frame. */
    synchronized void checkTimeouts(long nowNanos, NatsPlaneSettings settings) {
        if (channel.ended()) {
            return;
        }
        if (controlSubject == null) {
            long waited = nowNanos - sentNanos;
            if (waited > settings.ackTimeout().toNanos()) {
                end(
                        new StreamError.CannotConnect("no acknowledgement from " + subject + " within "
                                + settings.ackTimeout().toMillis() + " ms"),
                        false);
            }
            return;
        }
        long silent = nowNanos - lastFrameNanos;
        if (silent > settings.silenceTimeout().toNanos()) {
            LOG.warnf(
                    "Request %s on %s disconnected: no frame for %d ms (silence timeout %d ms)",
                    requestId,
                    subject,
                    silent / 1_000_000,
                    settings.silenceTimeout().toMillis());
            // If the worker is alive after all (a partition that healed), tell it to drop the work.
            end(
                    new StreamError.Disconnected(
                            "no frame from " + subject + " for " + silent / 1_000_000 + " ms (silence timeout "
                                    + settings.silenceTimeout().toMillis() + " ms)"),
                    true);
        }
    }

    /** Ends the call from outside its stream: the request could not be sent, or the plane is closing. */
    synchronized void abandon(StreamError error) {
        if (!channel.ended()) {
            end(error, false);
        }
    }

    @Override
    public synchronized void stop() {
        if (channel.ended() || stopAsked) {
            return;
        }
        stopAsked = true;
        // Before the acknowledgement we do not know where to send it: it goes with the ack.
        if (controlSubject != null) {
            stopSent = true;
            plane.sendControl(controlSubject, Control.STOP, requestId);
        }
    }

    @Override
    public synchronized void kill() {
        if (!channel.silence()) {
            return;
        }
        plane.forget(this);
        // Before the acknowledgement we do not know where to send it; the plane answers any frame
        // of a forgotten call with a KILL, so a late acknowledgement is killed as it arrives.
        if (controlSubject != null) {
            plane.sendControl(controlSubject, Control.KILL, requestId);
        }
        LOG.debugf("Request %s on %s killed by the caller", requestId, subject);
    }

    /** Holds data for a client that stopped reading, within the channel's bound (NATS has no credit). */
    @Override
    public void pause() {
        channel.pause();
    }

    @Override
    public void resume() {
        channel.resume();
    }

    private void gap(long got) {
        LOG.warnf("Request %s on %s disconnected: expected frame %d, got %d", requestId, subject, expectedSeq, got);
        end(
                new StreamError.Disconnected(
                        "frames lost from " + subject + ": expected frame " + expectedSeq + ", got " + got),
                true);
    }

    /** Ends the stream: completes it if {@code error} is null; optionally tells the worker to drop it. */
    private void end(StreamError error, boolean killRemote) {
        boolean ended = error == null ? channel.complete() : channel.error(error);
        if (!ended) {
            return;
        }
        plane.forget(this);
        if (killRemote && controlSubject != null) {
            plane.sendControl(controlSubject, Control.KILL, requestId);
        }
        if (error != null) {
            LOG.debugf("Request %s on %s ended: %s", requestId, subject, error);
        }
    }
}
