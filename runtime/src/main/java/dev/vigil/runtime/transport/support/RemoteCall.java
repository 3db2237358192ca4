package dev.vigil.runtime.transport.support;

import java.time.Duration;
import java.util.Objects;

import org.jboss.logging.Logger;

import dev.vigil.runtime.time.Clock;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;

/**
 * The calling side of one request sent over a wire (the TCP and NATS planes): what both keep for a
 * stream whatever carries its frames. It checks the frames' order (a gap ends the stream as {@link
 * StreamError.Disconnected}), the acknowledgement (none within the ack timeout is {@link
 * StreamError.CannotConnect}) and silence (no frame within the silence timeout is {@link
 * StreamError.Disconnected}), and hands data and the end to the stream's {@link ObserverChannel}.
 * A plane's subclass decodes its frames into {@link #data}, {@link #endAt} and {@link
 * #acknowledged()}, and says how the call is forgotten and how the server is told to drop it.
 *
 * <p>Frames, timeouts and the caller's controls come from different threads; every state change
 * takes this object's lock (subclasses' too), so a stream's state changes one at a time.
 */
public abstract class RemoteCall implements ResponseStream {

    private final Logger log;
    private final Clock clock;
    private final String address;
    private final String requestId;
    private final ObserverChannel channel;
    private final long sentNanos;
    private long lastFrameNanos;
    private boolean acknowledged;
    private long expectedSeq;

    /**
     * @param log the plane's own logger, so a stream's warnings keep their plane's category
     * @param address where the request went, as the stream's errors name it
     */
    protected RemoteCall(Logger log, Clock clock, String address, String requestId, ObserverChannel channel) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.address = address;
        this.requestId = requestId;
        this.channel = Objects.requireNonNull(channel, "channel");
        this.sentNanos = clock.nanoTime();
        this.lastFrameNanos = sentNanos;
    }

    /**
     * How often a plane checks its calls' timeouts: a tenth of the shorter timeout, at least every
     * 10 ms, so a timeout fires at most that much late.
     */
    public static long sweepMillis(Duration silenceTimeout, Duration ackTimeout) {
        return Math.max(10, Math.min(silenceTimeout.toMillis(), ackTimeout.toMillis()) / 10);
    }

    /** The call has ended: the plane stops routing its frames here. Called under the lock. */
    protected abstract void forget();

    /**
     * Tells the server to drop the request (it may still work on it), if the plane knows how to
     * reach it by now. Called under the lock.
     */
    protected abstract void killRemote();

    @Override
    public final String requestId() {
        return requestId;
    }

    protected final String address() {
        return address;
    }

    protected final ObserverChannel channel() {
        return channel;
    }

    /**
     * A frame arrived for this stream: records the proof of life. Returns false when the stream has
     * ended, and the frame is to be ignored.
     */
    protected final synchronized boolean heard() {
        if (channel.ended()) {
            return false;
        }
        lastFrameNanos = clock.nanoTime();
        return true;
    }

    /** The server has the request (its acknowledgement, or the first frame that proves it). */
    protected final synchronized void acknowledge() {
        acknowledged = true;
    }

    protected final synchronized boolean acknowledged() {
        return acknowledged;
    }

    /**
     * Data frame number {@code seq}: handed to the observer if it is the next one, else the stream
     * fails as a gap. When the channel ends the stream because the caller holds too much (its client
     * did not read), the server is told to drop the request.
     */
    protected final synchronized void data(long seq, byte[] data) {
        if (seq != expectedSeq) {
            gap(seq);
            return;
        }
        expectedSeq++;
        if (!channel.data(data)) {
            forget();
            killRemote();
        }
    }

    /**
     * The server's end of the stream after {@code count} data frames: completes it when {@code
     * error} is null, fails it otherwise; a count that does not match what arrived is a gap.
     */
    protected final synchronized void endAt(long count, StreamError error) {
        if (count != expectedSeq) {
            gap(count);
            return;
        }
        end(error, false);
    }

    /**
     * Fails the call if it waited too long for an acknowledgement or heard nothing for too long.
     * Time before {@code quietSinceNanos} does not count against either (the TCP plane: its own
     * loop lagged, so what it did not read is not the server's silence); after the acknowledgement,
     * {@code lastHeardNanos} is a proof of life besides this stream's own frames (the TCP plane: any
     * frame on the connection). A plane without either passes {@link Long#MIN_VALUE}.
     */
    public final synchronized void checkTimeouts(
            long nowNanos, long quietSinceNanos, long lastHeardNanos, Duration ackTimeout, Duration silenceTimeout) {
        if (channel.ended()) {
            return;
        }
        if (!acknowledged) {
            if (nowNanos - Math.max(sentNanos, quietSinceNanos) > ackTimeout.toNanos()) {
                // If the request arrives after all, the server is told to drop it.
                end(
                        new StreamError.CannotConnect(
                                "no acknowledgement from " + address + " within " + ackTimeout.toMillis() + " ms"),
                        true);
            }
            return;
        }
        long silent = nowNanos - Math.max(lastFrameNanos, Math.max(lastHeardNanos, quietSinceNanos));
        if (silent > silenceTimeout.toNanos()) {
            log.warnf(
                    "Request %s on %s disconnected: no frame for %d ms (silence timeout %d ms)",
                    requestId, address, silent / 1_000_000, silenceTimeout.toMillis());
            // If the server is alive after all (a partition that healed), it is told to drop the work.
            end(
                    new StreamError.Disconnected("no frame from " + address + " for " + silent / 1_000_000
                            + " ms (silence timeout " + silenceTimeout.toMillis() + " ms)"),
                    true);
        }
    }

    /** Ends the call from outside its stream: the request could not be sent, or the plane is closing. */
    public final synchronized void abandon(StreamError error) {
        if (!channel.ended()) {
            end(error, false);
        }
    }

    /** Ends the stream without a word to the observer, and tells the server to drop it. */
    @Override
    public synchronized void kill() {
        if (!channel.silence()) {
            return;
        }
        forget();
        killRemote();
        log.debugf("Request %s on %s killed by the caller", requestId, address);
    }

    @Override
    public void pause() {
        channel.pause();
    }

    @Override
    public void resume() {
        channel.resume();
    }

    /** Frames were lost (or came out of order): the stream cannot go on. */
    private void gap(long got) {
        log.warnf("Request %s on %s disconnected: expected frame %d, got %d", requestId, address, expectedSeq, got);
        end(
                new StreamError.Disconnected(
                        "frames lost from " + address + ": expected frame " + expectedSeq + ", got " + got),
                true);
    }

    /**
     * Ends the stream: completes it if {@code error} is null; optionally tells the server to drop
     * it. Does nothing if it had ended.
     */
    protected final synchronized void end(StreamError error, boolean killRemote) {
        boolean ended = error == null ? channel.complete() : channel.error(error);
        if (!ended) {
            return;
        }
        forget();
        if (killRemote) {
            killRemote();
        }
        if (error != null) {
            log.debugf("Request %s on %s ended: %s", requestId, address, error);
        }
    }
}
