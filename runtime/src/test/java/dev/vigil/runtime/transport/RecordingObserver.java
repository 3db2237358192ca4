package dev.vigil.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.awaitility.Awaitility;

/**
 * A {@link ResponseObserver} that records what it hears and checks the observer contract as it goes:
 * never two calls at once, nothing after the end.
 */
public final class RecordingObserver implements ResponseObserver {

    /** How a stream ended: {@code error} is null when it completed. */
    public record Outcome(StreamError error, long atNanos) {

        public boolean completed() {
            return error == null;
        }
    }

    private final List<String> data = new ArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger events = new AtomicInteger();
    private volatile Outcome outcome;
    private volatile boolean overlapped;
    private volatile boolean afterEnd;
    private volatile Consumer<String> onData = d -> {};

    /** Runs {@code hook} inside each {@code onData} call, on the observer's thread. */
    public RecordingObserver onEachData(Consumer<String> hook) {
        this.onData = hook;
        return this;
    }

    @Override
    public void onData(byte[] bytes) {
        enter();
        try {
            String text = new String(bytes, StandardCharsets.UTF_8);
            synchronized (data) {
                data.add(text);
            }
            onData.accept(text);
        } finally {
            exit();
        }
    }

    @Override
    public void onComplete() {
        enter();
        outcome = new Outcome(null, System.nanoTime());
        exit();
    }

    @Override
    public void onError(StreamError error) {
        enter();
        outcome = new Outcome(error, System.nanoTime());
        exit();
    }

    private void enter() {
        if (active.incrementAndGet() != 1) {
            overlapped = true;
        }
        if (outcome != null) {
            afterEnd = true;
        }
        events.incrementAndGet();
    }

    private void exit() {
        active.decrementAndGet();
    }

    public List<String> data() {
        synchronized (data) {
            return List.copyOf(data);
        }
    }

    public int dataCount() {
        synchronized (data) {
            return data.size();
        }
    }

    /** Every call so far, data and end. */
    public int events() {
        return events.get();
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Waits for the end of the stream, checks the contract held, and returns how it ended. */
    public Outcome awaitEnd(Duration atMost) {
        Awaitility.await("end of stream").atMost(atMost).until(() -> outcome != null);
        assertContractHeld();
        return outcome;
    }

    public void awaitCompleted(Duration atMost) {
        Outcome end = awaitEnd(atMost);
        assertNull(end.error(), () -> "expected completion, got " + end.error());
    }

    public <T extends StreamError> T awaitError(Class<T> kind, Duration atMost) {
        Outcome end = awaitEnd(atMost);
        return assertInstanceOf(kind, end.error(), () -> "expected " + kind.getSimpleName() + ", got " + end);
    }

    public void awaitData(int count, Duration atMost) {
        Awaitility.await(count + " data frames").atMost(atMost).until(() -> dataCount() >= count);
    }

    public void assertContractHeld() {
        assertFalse(overlapped, "observer was called concurrently");
        assertFalse(afterEnd, "observer was called after the end");
    }

    public static List<String> numbered(int count) {
        List<String> expected = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            expected.add("frame-" + i);
        }
        return expected;
    }

    public void assertData(List<String> expected) {
        assertEquals(expected, data());
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
