package dev.vigil.runtime.transport.support;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.time.ManualClock;
import dev.vigil.runtime.transport.RecordingObserver;
import dev.vigil.runtime.transport.StreamError;

/**
 * The bookkeeping both wire planes share for a call: the acknowledgement and silence timeouts, driven
 * by a {@link ManualClock} instead of waiting, and the order of frames.
 */
@Timeout(30)
class RemoteCallTest {

    private static final Duration ACK = Duration.ofSeconds(2);
    private static final Duration SILENCE = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final RecordingObserver observer = new RecordingObserver();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A call on a fake wire: counts what it would tell the server and the plane. */
    private final class FakeCall extends RemoteCall {

        final AtomicInteger forgotten = new AtomicInteger();
        final AtomicInteger killsSent = new AtomicInteger();

        FakeCall() {
            super(
                    Logger.getLogger(RemoteCallTest.class),
                    clock,
                    "worker-1",
                    "req-1",
                    new ObserverChannel(observer, pool, ObserverChannel.DEFAULT_MAX_HELD_BYTES, new AtomicLong()));
        }

        void frame() {
            heard();
        }

        void ack() {
            heard();
            acknowledge();
        }

        void dataFrame(long seq, String text) {
            if (heard()) {
                data(seq, bytes(text));
            }
        }

        void endFrame(long count) {
            if (heard()) {
                endAt(count, null);
            }
        }

        /** The sweep of a plane with no proof of life but the call's own frames (NATS). */
        void sweep() {
            checkTimeouts(clock.nanoTime(), Long.MIN_VALUE, Long.MIN_VALUE, ACK, SILENCE);
        }

        @Override
        public void stop() {}

        @Override
        protected void forget() {
            forgotten.incrementAndGet();
        }

        @Override
        protected void killRemote() {
            killsSent.incrementAndGet();
        }
    }

    @Test
    void noAcknowledgementWithinTheAckTimeoutCannotConnect() {
        FakeCall call = new FakeCall();
        clock.advance(ACK);
        call.sweep();
        assertEquals(0, call.forgotten.get(), "exactly the ack timeout has not passed it yet");
        clock.advance(Duration.ofMillis(1));
        call.sweep();
        StreamError.CannotConnect error = observer.awaitError(StreamError.CannotConnect.class, PATIENCE);
        assertTrue(error.message().contains("no acknowledgement from worker-1 within 2000 ms"), error.message());
        assertEquals(1, call.forgotten.get());
        // The request may still arrive: the server is told to drop it.
        assertEquals(1, call.killsSent.get());
    }

    @Test
    void anAcknowledgedStreamThatGoesSilentIsDisconnectedAndEachFrameRestartsTheCount() {
        FakeCall call = new FakeCall();
        call.ack();
        clock.advance(Duration.ofMillis(900));
        call.sweep();
        call.frame();
        clock.advance(Duration.ofMillis(900));
        call.sweep();
        assertEquals(0, call.forgotten.get(), "a frame 900 ms ago is proof of life");
        clock.advance(Duration.ofMillis(200));
        call.sweep();
        StreamError.Disconnected error = observer.awaitError(StreamError.Disconnected.class, PATIENCE);
        assertTrue(error.message().contains("no frame from worker-1 for 1100 ms"), error.message());
        assertEquals(1, call.killsSent.get());
        // Ended: later sweeps and frames change nothing.
        clock.advance(SILENCE.multipliedBy(5));
        call.sweep();
        call.endFrame(0);
        assertEquals(1, call.forgotten.get());
        observer.assertContractHeld();
    }

    @Test
    void silenceBeforeTheCallerCaughtUpOrAnotherFrameOnTheConnectionDoesNotCount() {
        FakeCall call = new FakeCall();
        call.ack();
        clock.advance(Duration.ofMillis(1500));
        // The caller's own loop caught up 600 ms ago (TCP): only 600 ms of silence are the server's.
        long caughtUp = clock.nanoTime() - Duration.ofMillis(600).toNanos();
        call.checkTimeouts(clock.nanoTime(), caughtUp, Long.MIN_VALUE, ACK, SILENCE);
        // A heartbeat on the connection 100 ms ago proves the server alive (TCP).
        long heartbeat = clock.nanoTime() - Duration.ofMillis(100).toNanos();
        call.checkTimeouts(clock.nanoTime(), Long.MIN_VALUE, heartbeat, ACK, SILENCE);
        assertEquals(0, call.forgotten.get());
        call.sweep();
        observer.awaitError(StreamError.Disconnected.class, PATIENCE);
    }

    @Test
    void framesInOrderAreDeliveredAndAGapDisconnects() {
        FakeCall call = new FakeCall();
        call.ack();
        call.dataFrame(0, "a");
        call.dataFrame(1, "b");
        call.dataFrame(3, "d");
        StreamError.Disconnected error = observer.awaitError(StreamError.Disconnected.class, PATIENCE);
        assertTrue(error.message().contains("expected frame 2, got 3"), error.message());
        observer.assertData(List.of("a", "b"));
        assertEquals(1, call.killsSent.get());
    }

    @Test
    void anEndAfterEveryFrameCompletesWithoutAKill() {
        FakeCall call = new FakeCall();
        call.ack();
        call.dataFrame(0, "a");
        call.endFrame(1);
        observer.awaitCompleted(PATIENCE);
        assertEquals(1, call.forgotten.get());
        assertEquals(0, call.killsSent.get());
    }

    @Test
    void theSweepRunsAtATenthOfTheShorterTimeoutAndAtLeastEvery10Ms() {
        assertEquals(100, RemoteCall.sweepMillis(SILENCE, ACK));
        assertEquals(10, RemoteCall.sweepMillis(Duration.ofMillis(50), ACK));
    }

    @Test
    void killSilencesTheObserverAndTellsTheServerOnce() throws Exception {
        FakeCall call = new FakeCall();
        call.ack();
        call.kill();
        call.kill();
        call.dataFrame(0, "late");
        pool.submit(() -> {}).get(5, TimeUnit.SECONDS);
        assertNull(observer.outcome());
        assertEquals(0, observer.dataCount());
        assertEquals(1, call.killsSent.get());
        assertInstanceOf(RemoteCall.class, call);
    }
}
