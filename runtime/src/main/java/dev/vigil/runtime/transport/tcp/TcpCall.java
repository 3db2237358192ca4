package dev.vigil.runtime.transport.tcp;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;

import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.ObserverChannel;
import dev.vigil.runtime.transport.support.RemoteCall;

/**
 * The calling side of one request on the TCP plane: decodes its frames for {@link RemoteCall}
 * (which checks acknowledgement, sequence and silence), grants the server credit as the observer
 * takes data, and ends the stream when its connection is lost. Frames come from the connection's
 * event loop, timeouts from the plane's timer and a lost connection from its close handler; all take
 * this object's lock, so a stream's state changes one at a time.
 */
final class TcpCall extends RemoteCall {

    private static final Logger LOG = Logger.getLogger(TcpCall.class);

    private final TcpPeer peer;
    private final long stream;
    private boolean stopSent;
    /** Bytes the observer took since the last {@link TcpWire#CREDIT}: granted in batches of half a window. */
    private long ungranted;

    TcpCall(TcpPeer peer, long stream, String address, String requestId, ObserverChannel channel, Clock clock) {
        super(LOG, clock, address, requestId, channel);
        this.peer = peer;
        this.stream = stream;
        channel.onConsumed(this::consumed);
    }

    long stream() {
        return stream;
    }

    /** One frame for this stream, in the order the connection delivered them. */
    synchronized void onFrame(byte kind, Buffer frame) {
        if (!heard()) {
            return;
        }
        switch (kind) {
            case TcpWire.ACK -> acknowledge();
                // When the channel ends the stream (CallerTooSlow), the server is told to stop, too.
            case TcpWire.DATA -> data(TcpWire.number(frame), TcpWire.rest(frame, 8));
            case TcpWire.END -> endAt(TcpWire.number(frame), null);
            case TcpWire.ERROR, TcpWire.ENGINE_ERROR, TcpWire.BUSY_ERROR -> {
                String message = TcpWire.text(frame, 8);
                String text = message.isEmpty() ? "request failed" : message;
                endAt(TcpWire.number(frame), TcpWire.errorKind(kind).error(text));
            }
            case TcpWire.REJECT -> end(new StreamError.CannotConnect(TcpWire.text(frame, 0)), false);
            default -> {
                // A kind from a newer peer: proof of life only.
            }
        }
    }

    /**
     * The connection closed, or never opened. A request that was acknowledged is {@code
     * Disconnected}; one that was not never reached a handler (the server kills what a closed
     * connection carried), so it is {@code CannotConnect} and safe to send elsewhere.
     */
    synchronized void connectionLost(String why) {
        if (channel().ended()) {
            return;
        }
        if (acknowledged()) {
            LOG.warnf("Request %s on %s disconnected: %s", requestId(), address(), why);
            end(new StreamError.Disconnected(why), false);
        } else {
            end(new StreamError.CannotConnect(why), false);
        }
    }

    @Override
    public synchronized void stop() {
        if (channel().ended() || stopSent) {
            return;
        }
        stopSent = true;
        // The request went first on the same connection, so the server always knows the stream.
        peer.send(TcpWire.control(TcpWire.STOP, stream));
    }

    @Override
    protected void forget() {
        peer.forget(this);
    }

    /** The request went first on the same connection, so the server always knows the stream. */
    @Override
    protected void killRemote() {
        peer.send(TcpWire.control(TcpWire.KILL, stream));
    }

    /**
     * The observer took {@code bytes} of data: grant them to the server again, batched (a frame per
     * half window, not per token). A paused stream takes nothing, so it grants nothing, and the
     * server, out of credit, holds its frames and pauses its engine.
     */
    private synchronized void consumed(int bytes) {
        if (channel().ended()) {
            return;
        }
        ungranted += bytes;
        if (ungranted >= TcpWire.INITIAL_WINDOW / 2) {
            peer.send(TcpWire.credit(stream, ungranted));
            ungranted = 0;
        }
    }
}
