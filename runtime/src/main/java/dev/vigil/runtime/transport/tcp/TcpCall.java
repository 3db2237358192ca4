package dev.vigil.runtime.transport.tcp;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;

import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.support.ObserverChannel;

/**
 * The calling side of one request on the TCP plane: checks its frames (acknowledgement, sequence,
 * silence) and passes them to the observer. Frames come from the connection's event loop, timeouts
 * from the plane's timer and a lost connection from its close handler; all take this object's lock,
 * so a stream's state changes one at a time.
 */
final class TcpCall implements ResponseStream {

    private static final Logger LOG = Logger.getLogger(TcpCall.class);

    private final TcpPeer peer;
    private final long stream;
    private final String address;
    private final String requestId;
    private final ObserverChannel channel;
    private final long sentNanos;
    private long lastFrameNanos;
    private boolean acknowledged;
    private long expectedSeq;
    private boolean stopSent;
    /** Bytes the observer took since the last {@link TcpWire#CREDIT}: granted in batches of half a window. */
    private long ungranted;

    TcpCall(TcpPeer peer, long stream, String address, String requestId, ObserverChannel channel) {
        this.peer = peer;
        this.stream = stream;
        this.address = address;
        this.requestId = requestId;
        this.channel = channel;
        this.sentNanos = System.nanoTime();
        this.lastFrameNanos = sentNanos;
        channel.onConsumed(this::consumed);
    }

    long stream() {
        return stream;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    /** One frame for this stream, in the order the connection delivered them. */
    synchronized void onFrame(byte kind, Buffer frame) {
        if (channel.ended()) {
            return;
        }
        lastFrameNanos = System.nanoTime();
        switch (kind) {
            case TcpWire.ACK -> acknowledged = true;
            case TcpWire.DATA -> {
                long seq = TcpWire.number(frame);
                if (seq != expectedSeq) {
                    gap(seq);
                    return;
                }
                expectedSeq++;
                if (!channel.data(TcpWire.rest(frame, 8))) {
                    // The channel ended the stream (CallerTooSlow): the server must stop, too.
                    peer.forget(this);
                    peer.send(TcpWire.control(TcpWire.KILL, stream));
                }
            }
            case TcpWire.END, TcpWire.ERROR, TcpWire.ENGINE_ERROR, TcpWire.BUSY_ERROR -> {
                long count = TcpWire.number(frame);
                if (count != expectedSeq) {
                    gap(count);
                    return;
                }
                if (kind == TcpWire.END) {
                    end(null, false);
                } else {
                    String message = TcpWire.text(frame, 8);
                    String text = message.isEmpty() ? "request failed" : message;
                    end(TcpWire.errorKind(kind).error(text), false);
                }
            }
            case TcpWire.REJECT -> end(new StreamError.CannotConnect(TcpWire.text(frame, 0)), false);
            default -> {
                // A kind from a newer peer: proof of life only.
            }
        }
    }

    /**
     * Fails the call if it waited too long for an acknowledgement or heard nothing for too long.
     * Time before {@code caughtUpNanos}, when the caller's own loop last caught up from a lag, does
     * not count: what the caller did not read is not the server's silence.
     */
    synchronized void checkTimeouts(long nowNanos, long lastReadNanos, long caughtUpNanos, TcpPlaneSettings settings) {
        if (channel.ended()) {
            return;
        }
        if (!acknowledged) {
            if (nowNanos - Math.max(sentNanos, caughtUpNanos)
                    > settings.ackTimeout().toNanos()) {
                // If the request arrives after all, the server is told to drop it.
                end(
                        new StreamError.CannotConnect("no acknowledgement from " + address + " within "
                                + settings.ackTimeout().toMillis() + " ms"),
                        true);
            }
            return;
        }
        // Any frame on the connection proves the serving process alive: heartbeats are per connection.
        long silent = nowNanos - Math.max(lastFrameNanos, Math.max(lastReadNanos, caughtUpNanos));
        if (silent > settings.silenceTimeout().toNanos()) {
            LOG.warnf(
                    "Request %s on %s disconnected: no frame for %d ms (silence timeout %d ms)",
                    requestId,
                    address,
                    silent / 1_000_000,
                    settings.silenceTimeout().toMillis());
            end(
                    new StreamError.Disconnected(
                            "no frame from " + address + " for " + silent / 1_000_000 + " ms (silence timeout "
                                    + settings.silenceTimeout().toMillis() + " ms)"),
                    true);
        }
    }

    /**
     * The connection closed, or never opened. A request that was acknowledged is {@code
     * Disconnected}; one that was not never reached a handler (the server kills what a closed
     * connection carried), so it is {@code CannotConnect} and safe to send elsewhere.
     */
    synchronized void connectionLost(String why) {
        if (channel.ended()) {
            return;
        }
        if (acknowledged) {
            LOG.warnf("Request %s on %s disconnected: %s", requestId, address, why);
            end(new StreamError.Disconnected(why), false);
        } else {
            end(new StreamError.CannotConnect(why), false);
        }
    }

    /** Ends the call from outside its stream (the plane is closing). */
    synchronized void abandon(StreamError error) {
        if (!channel.ended()) {
            end(error, false);
        }
    }

    @Override
    public synchronized void stop() {
        if (channel.ended() || stopSent) {
            return;
        }
        stopSent = true;
        // The request went first on the same connection, so the server always knows the stream.
        peer.send(TcpWire.control(TcpWire.STOP, stream));
    }

    @Override
    public synchronized void kill() {
        if (!channel.silence()) {
            return;
        }
        peer.forget(this);
        peer.send(TcpWire.control(TcpWire.KILL, stream));
        LOG.debugf("Request %s on %s killed by the caller", requestId, address);
    }

    /**
     * The observer took {@code bytes} of data: grant them to the server again, batched (a frame per
     * half window, not per token). A paused stream takes nothing, so it grants nothing, and the
     * server, out of credit, holds its frames and pauses its engine.
     */
    private synchronized void consumed(int bytes) {
        if (channel.ended()) {
            return;
        }
        ungranted += bytes;
        if (ungranted >= TcpWire.INITIAL_WINDOW / 2) {
            peer.send(TcpWire.credit(stream, ungranted));
            ungranted = 0;
        }
    }

    @Override
    public void pause() {
        channel.pause();
    }

    @Override
    public void resume() {
        channel.resume();
    }

    private void gap(long got) {
        LOG.warnf("Request %s on %s disconnected: expected frame %d, got %d", requestId, address, expectedSeq, got);
        end(
                new StreamError.Disconnected(
                        "frames lost from " + address + ": expected frame " + expectedSeq + ", got " + got),
                true);
    }

    /** Ends the stream: completes it if {@code error} is null; optionally tells the server to drop it. */
    private void end(StreamError error, boolean killRemote) {
        boolean ended = error == null ? channel.complete() : channel.error(error);
        if (!ended) {
            return;
        }
        peer.forget(this);
        if (killRemote) {
            peer.send(TcpWire.control(TcpWire.KILL, stream));
        }
        if (error != null) {
            LOG.debugf("Request %s on %s ended: %s", requestId, address, error);
        }
    }
}
