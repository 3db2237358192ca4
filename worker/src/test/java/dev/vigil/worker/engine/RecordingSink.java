package dev.vigil.worker.engine;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.vigil.runtime.protocol.EngineOutput;

/** A sink that records a stream and every breach of the sink contract (overlap, calls after the end). */
final class RecordingSink implements TokenSink {

    final List<EngineOutput> outputs = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    /** The thread inside a call, and how deep: the sink may stop its own request from a callback. */
    private final AtomicReference<Thread> caller = new AtomicReference<>();

    private int depth;
    private final Consumer<EngineOutput> onEachOutput;
    private volatile boolean ended;
    private volatile String error;
    private final CountDownLatch finished = new CountDownLatch(1);

    RecordingSink() {
        this(output -> {});
    }

    /** Runs {@code onEachOutput} inside each {@link #onOutput} call, on the engine's thread. */
    RecordingSink(Consumer<EngineOutput> onEachOutput) {
        this.onEachOutput = onEachOutput;
    }

    @Override
    public void onOutput(EngineOutput output) {
        enter("onOutput");
        outputs.add(output);
        onEachOutput.accept(output);
        exit();
    }

    @Override
    public void onEnd() {
        enter("onEnd");
        ended = true;
        finished.countDown();
        exit();
    }

    @Override
    public void onError(String message) {
        enter("onError");
        error = message;
        finished.countDown();
        exit();
    }

    private void enter(String call) {
        if (ended || error != null) {
            violations.add(call + " after the stream ended");
        }
        Thread me = Thread.currentThread();
        if (!caller.compareAndSet(null, me) && caller.get() != me) {
            violations.add(call + " overlapped a call on another thread");
        }
        depth++;
    }

    private void exit() {
        if (--depth == 0) {
            caller.set(null);
        }
    }

    boolean ended() {
        return ended;
    }

    String error() {
        return error;
    }

    boolean done() {
        return ended || error != null;
    }

    RecordingSink awaitDone() {
        try {
            if (!finished.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("the stream did not end: " + outputs.size() + " outputs");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return this;
    }

    RecordingSink awaitOutputs(int count) {
        await().pollInterval(Duration.ofMillis(2))
                .atMost(Duration.ofSeconds(20))
                .until(() -> outputs.size() >= count);
        return this;
    }

    List<Integer> tokenIds() {
        List<Integer> ids = new ArrayList<>();
        outputs.forEach(o -> ids.addAll(o.tokenIds()));
        return ids;
    }

    String text() {
        StringBuilder text = new StringBuilder();
        outputs.forEach(o -> text.append(o.text()));
        return text.toString();
    }

    EngineOutput last() {
        return outputs.get(outputs.size() - 1);
    }

    String finishReason() {
        return outputs.isEmpty() ? null : last().finishReason();
    }
}
