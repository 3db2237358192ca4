package dev.vigil.runtime.transport.support;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.transport.RecordingObserver;
import dev.vigil.runtime.transport.StreamError;

/** The caller's end of a stream: pause, resume, and the bound on what a stream holds (issue 26). */
@Timeout(30)
class ObserverChannelTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    /** The plane's total, which every channel keeps up to date. */
    private final AtomicLong planeHeld = new AtomicLong();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Waits until every task queued on the pool so far has run. */
    private void settle() throws Exception {
        pool.submit(() -> {}).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPausedChannelHoldsDataAndTheEndBehindItThenDeliversThemInOrder() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        ObserverChannel channel = new ObserverChannel(observer, pool, 1024, planeHeld);
        channel.pause();
        assertTrue(channel.data(bytes("a")));
        assertTrue(channel.data(bytes("b")));
        assertTrue(channel.complete());
        settle();
        assertEquals(0, observer.events(), "nothing is delivered while paused, not even the end behind the data");
        assertEquals(2, channel.heldBytes());
        assertEquals(2, planeHeld.get(), "the plane's total counts what its streams hold");

        channel.resume();
        observer.awaitCompleted(PATIENCE);
        assertEquals(List.of("a", "b"), observer.data());
        assertEquals(0, channel.heldBytes());
        observer.assertContractHeld();
    }

    @Test
    void anEndWithNoDataBeforeItIsDeliveredEvenWhilePaused() {
        RecordingObserver observer = new RecordingObserver();
        ObserverChannel channel = new ObserverChannel(observer, pool, 1024, planeHeld);
        channel.pause();
        channel.error(new StreamError.Disconnected("gone"));
        observer.awaitError(StreamError.Disconnected.class, PATIENCE);
    }

    @Test
    void aFramePastTheBoundEndsTheStreamAsTooSlowAndDropsWhatWasHeld() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        ObserverChannel channel = new ObserverChannel(observer, pool, 10, planeHeld);
        channel.pause();
        assertTrue(channel.data(bytes("12345")));
        assertTrue(channel.data(bytes("67890")), "exactly at the bound is still held");
        assertFalse(channel.data(bytes("x")), "one byte past the bound ends the stream");
        assertTrue(channel.ended());
        assertEquals(0, channel.heldBytes(), "what was held is dropped at once");
        assertEquals(0, planeHeld.get());
        StreamError.CallerTooSlow error = observer.awaitError(StreamError.CallerTooSlow.class, PATIENCE);
        assertTrue(error.message().contains("at most 10"), error.message());
        assertEquals(0, observer.dataCount());
        assertTrue(channel.data(bytes("late")), "data after the end is ignored, not an overflow again");
    }

    @Test
    void oneFrameLargerThanTheBoundPassesWhenNothingIsHeld() {
        RecordingObserver observer = new RecordingObserver();
        ObserverChannel channel = new ObserverChannel(observer, pool, 4, planeHeld);
        assertTrue(channel.data(bytes("a frame larger than the bound")));
        channel.complete();
        observer.awaitCompleted(PATIENCE);
        assertEquals(1, observer.dataCount());
    }

    @Test
    void theConsumedListenerHearsEachFrameTheObserverTook() {
        RecordingObserver observer = new RecordingObserver();
        ObserverChannel channel = new ObserverChannel(observer, pool, 1024, planeHeld);
        AtomicLong consumed = new AtomicLong();
        channel.onConsumed(consumed::addAndGet);
        channel.data(bytes("abc"));
        channel.data(bytes("de"));
        channel.complete();
        observer.awaitCompleted(PATIENCE);
        assertEquals(5, consumed.get());
    }

    @Test
    void aSilencedChannelDropsWhatItHeld() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        ObserverChannel channel = new ObserverChannel(observer, pool, 1024, planeHeld);
        channel.pause();
        channel.data(bytes("a"));
        assertTrue(channel.silence());
        assertEquals(0, channel.heldBytes());
        assertEquals(0, planeHeld.get());
        channel.resume();
        settle();
        assertEquals(0, observer.events());
    }
}
