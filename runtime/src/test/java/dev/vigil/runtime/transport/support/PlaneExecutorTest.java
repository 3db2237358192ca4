package dev.vigil.runtime.transport.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.transport.ErrorKind;

/**
 * The request plane's pool is bounded in threads and in waiting tasks; past the bound a task is
 * refused and counted, a served request is answered busy (so its caller tries another worker), and
 * a subscription's queue refuses events past its own bound.
 */
@Timeout(30)
class PlaneExecutorTest {

    private final PlaneExecutor pool = new PlaneExecutor("test-plane", 1, 2);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    /** Occupies the one thread and fills the queue of two. */
    private void fill() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            awaitRelease();
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        pool.execute(this::awaitRelease);
        pool.execute(this::awaitRelease);
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aTaskPastTheThreadsAndTheQueueIsRefusedAndCounted() throws Exception {
        fill();
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> {}));
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> {}));
        assertEquals(2, pool.rejected());

        release.countDown();
        CountDownLatch ran = new CountDownLatch(1);
        // Once the queue drains, work is taken again.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> {
                    try {
                        pool.execute(ran::countDown);
                    } catch (RejectedExecutionException e) {
                        throw new AssertionError(e);
                    }
                });
        assertTrue(ran.await(10, TimeUnit.SECONDS));
    }

    @Test
    void aRefusalAfterShutdownIsNotCountedAsFull() {
        pool.shutdown();
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> {}));
        assertEquals(0, pool.rejected());
    }

    @Test
    void aRequestThePoolCannotTakeIsAnsweredBusy() throws Exception {
        fill();
        List<String> wire = new ArrayList<>();
        ServedRequest request = new ServedRequest("req-1", new byte[0], pool) {
            @Override
            protected void emitData(long seq, byte[] data) {
                wire.add("data");
            }

            @Override
            protected void emitEnd(long count) {
                wire.add("end");
            }

            @Override
            protected void emitError(long count, String message, ErrorKind kind) {
                wire.add(kind + ": " + message);
            }

            @Override
            protected void onEnd() {}
        };
        request.dispatch(pool, r -> wire.add("handled"), "ns.backend.generate");
        assertEquals(List.of("BUSY: worker busy: the request plane's queue of tasks is full"), wire);
        assertEquals(1, pool.rejected());
    }

    @Test
    void aSubscriptionThatFellTooFarBehindRefusesEvents() {
        // An executor that never runs anything: everything waits in the serial queue.
        SerialExecutor serial = new SerialExecutor(task -> {});
        for (int i = 0; i < SerialExecutor.MAX_QUEUED; i++) {
            serial.execute(() -> {});
        }
        assertThrows(RejectedExecutionException.class, () -> serial.execute(() -> {}));
    }
}
