package dev.vigil.runtime.transport;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static dev.vigil.runtime.transport.RecordingObserver.numbered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;

/**
 * What every {@link RequestPlane} must do, run against each implementation by a subclass. The
 * serving and calling planes may be one object (in process) or two connections (NATS, as a worker
 * and a frontend would have).
 */
public abstract class RequestPlaneContract {

    private static final AtomicLong SUBJECTS = new AtomicLong(0x694d98147d54be25L);
    /** How often the test handlers below send a frame when they stream "until told otherwise". */
    protected static final Duration TICK = Duration.ofMillis(20);

    protected static ScheduledExecutorService ticker;

    @BeforeAll
    static void startTicker() {
        ticker = Executors.newScheduledThreadPool(2);
    }

    @AfterAll
    static void stopTicker() {
        ticker.shutdownNow();
    }

    /** The plane the tests serve on. */
    protected abstract RequestPlane server();

    /** The plane the tests call from. */
    protected abstract RequestPlane client();

    /** A bound for anything that should happen promptly (derived from the plane's timeouts). */
    protected abstract Duration patience();

    /**
     * "Nobody serves this" was known at once (a refusal, no responders), not from the acknowledgement
     * timeout running out: told by the cause, which a slow machine cannot change, not by a duration.
     */
    public static void assertKnownAtOnce(StreamError.CannotConnect error) {
        assertFalse(error.message().contains("no acknowledgement"), "it took the ack timeout: " + error.message());
    }

    /** How long to watch that nothing more happens. */
    protected abstract Duration quietPeriod();

    /** A fresh endpoint instance's address on the serving plane (a NATS subject, a TCP address). */
    protected String newSubject() {
        return server().transport(
                        new EndpointId("vigil_test", "backend", "generate"), new InstanceId(SUBJECTS.incrementAndGet()))
                .address();
    }

    @Test
    void thousandFramesArriveCompleteAndInOrderThenComplete() {
        String subject = newSubject();
        List<String> frames = numbered(1000);
        try (ServedEndpoint served = server().serve(subject, request -> {
            frames.forEach(f -> request.send(bytes(f)));
            request.complete();
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-1000", bytes("go"), observer);

            observer.awaitCompleted(patience());
            observer.assertData(frames);
            await().atMost(patience()).until(() -> served.inFlight() == 0);
        }
    }

    @Test
    void requestIdAndPayloadReachTheHandler() {
        String subject = newSubject();
        CompletableFuture<IncomingRequest> seen = new CompletableFuture<>();
        try (ServedEndpoint served = server().serve(subject, request -> {
            seen.complete(request);
            request.send(request.payload());
            request.complete();
        })) {
            RecordingObserver observer = new RecordingObserver();
            ResponseStream stream = client().call(subject, "req-42", bytes("{\"prompt\":\"hi\"}"), observer);

            observer.awaitCompleted(patience());
            assertEquals("req-42", stream.requestId());
            assertEquals("req-42", seen.join().requestId());
            assertArrayEquals(bytes("{\"prompt\":\"hi\"}"), seen.join().payload());
            assertEquals(List.of("{\"prompt\":\"hi\"}"), observer.data());
        }
    }

    @Test
    void unservedSubjectCannotConnectAtOnce() {
        RecordingObserver observer = new RecordingObserver();
        client().call(newSubject(), "req-nobody", bytes("x"), observer);

        StreamError.CannotConnect error = observer.awaitError(StreamError.CannotConnect.class, patience());
        assertKnownAtOnce(error);
        assertEquals(0, observer.dataCount());
    }

    @Test
    void handlerFailureIsABackendErrorWithItsMessage() {
        String subject = newSubject();
        try (ServedEndpoint served = server().serve(subject, request -> {
            request.send(bytes("partial"));
            request.fail("engine out of memory");
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-fail", bytes("x"), observer);

            StreamError.Backend error = observer.awaitError(StreamError.Backend.class, patience());
            assertEquals("engine out of memory", error.message());
            assertEquals(List.of("partial"), observer.data());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
        }
    }

    @Test
    void anEngineFailureIsAnEngineShutdownTheCallerMayMigrate() {
        String subject = newSubject();
        try (ServedEndpoint served = server().serve(subject, request -> {
            request.send(bytes("partial"));
            request.failEngine("the engine answered HTTP 500");
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-engine", bytes("x"), observer);

            StreamError.EngineShutdown error = observer.awaitError(StreamError.EngineShutdown.class, patience());
            assertEquals("the engine answered HTTP 500", error.message());
            assertEquals(List.of("partial"), observer.data());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
        }
    }

    @Test
    void aFullEngineIsBusyForTheCallerToTryElsewhere() {
        String subject = newSubject();
        try (ServedEndpoint served = server().serve(subject, request -> {
            request.failBusy("the engine answered HTTP 429: no free slot");
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-busy", bytes("x"), observer);

            StreamError.Busy error = observer.awaitError(StreamError.Busy.class, patience());
            assertEquals("the engine answered HTTP 429: no free slot", error.message());
            assertEquals(0, observer.dataCount());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
        }
    }

    @Test
    void handlerThatThrowsFailsTheRequest() {
        String subject = newSubject();
        try (ServedEndpoint served = server().serve(subject, request -> {
            throw new IllegalStateException("bad payload");
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-throw", bytes("x"), observer);

            StreamError.Backend error = observer.awaitError(StreamError.Backend.class, patience());
            assertTrue(error.message().contains("bad payload"), error.message());
        }
    }

    @Test
    void stopReachesTheHandlerAndTheStreamStillCompletes() {
        String subject = newSubject();
        List<Control> controls = new CopyOnWriteArrayList<>();
        CompletableFuture<IncomingRequest> seen = new CompletableFuture<>();
        try (ServedEndpoint served = server().serve(subject, request -> {
            seen.complete(request);
            AtomicInteger n = new AtomicInteger();
            AtomicReference<ScheduledFuture<?>> ticks = new AtomicReference<>();
            // The lock makes "stopped-cleanly" the last frame even if a tick is running at the STOP.
            Object lock = new Object();
            request.onControl(control -> {
                controls.add(control);
                if (control == Control.STOP) {
                    synchronized (lock) {
                        ticks.get().cancel(false);
                        request.send(bytes("stopped-cleanly"));
                        request.complete();
                    }
                }
            });
            synchronized (lock) {
                ticks.set(every(TICK, () -> {
                    synchronized (lock) {
                        if (!request.stopped()) {
                            request.send(bytes("frame-" + n.getAndIncrement()));
                        }
                    }
                }));
            }
        })) {
            CompletableFuture<ResponseStream> stream = new CompletableFuture<>();
            RecordingObserver observer = new RecordingObserver().onEachData(d -> {
                if (d.equals("frame-2")) {
                    stream.join().stop();
                }
            });
            stream.complete(client().call(subject, "req-stop", bytes("x"), observer));

            observer.awaitCompleted(patience());
            List<String> data = observer.data();
            assertEquals("stopped-cleanly", data.get(data.size() - 1));
            assertEquals(List.of(Control.STOP), controls);
            assertTrue(seen.join().stopped());
            assertFalse(seen.join().killed());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
        }
    }

    @Test
    void killReachesTheHandlerAndTheObserverHearsNothingMore() {
        String subject = newSubject();
        CompletableFuture<Control> control = new CompletableFuture<>();
        CompletableFuture<IncomingRequest> seen = new CompletableFuture<>();
        try (ServedEndpoint served = server().serve(subject, request -> {
            seen.complete(request);
            AtomicInteger n = new AtomicInteger();
            ScheduledFuture<?> ticks = every(TICK, () -> request.send(bytes("frame-" + n.getAndIncrement())));
            request.onControl(c -> {
                control.complete(c);
                // Keep sending a little: the plane must drop it, and the caller must not hear it.
                ticker.schedule(() -> ticks.cancel(false), quietPeriod().toMillis(), TimeUnit.MILLISECONDS);
            });
        })) {
            CompletableFuture<ResponseStream> stream = new CompletableFuture<>();
            AtomicInteger eventsAtKill = new AtomicInteger(-1);
            RecordingObserver observer = new RecordingObserver();
            observer.onEachData(d -> {
                if (d.equals("frame-2")) {
                    stream.join().kill();
                    eventsAtKill.set(observer.events());
                }
            });
            stream.complete(client().call(subject, "req-kill", bytes("x"), observer));

            await().atMost(patience()).until(control::isDone);
            assertEquals(Control.KILL, control.join());
            assertTrue(seen.join().killed());
            assertTrue(seen.join().stopped());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
            await("nothing after kill")
                    .during(quietPeriod())
                    .atMost(quietPeriod().multipliedBy(3))
                    .until(() -> observer.events() == eventsAtKill.get());
            assertEquals(null, observer.outcome());
            observer.assertContractHeld();
        }
    }

    @Test
    void stopAskedBeforeAnyFrameReachesTheHandlerOnceItHasTheRequest() {
        String subject = newSubject();
        try (ServedEndpoint served = server().serve(subject, request -> {
            // Registered after the STOP may have arrived: the listener must still hear it.
            request.onControl(control -> {
                request.send(bytes("stopped:" + control));
                request.complete();
            });
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-early-stop", bytes("x"), observer).stop();

            observer.awaitCompleted(patience());
            assertEquals(List.of("stopped:STOP"), observer.data());
        }
    }

    @Test
    void killBeforeAnyFrameStillReachesTheHandler() {
        String subject = newSubject();
        CompletableFuture<Control> control = new CompletableFuture<>();
        try (ServedEndpoint served = server().serve(subject, request -> {
            request.onControl(control::complete);
            ticker.schedule(() -> request.send(bytes("too-late")), TICK.toMillis(), TimeUnit.MILLISECONDS);
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-early-kill", bytes("x"), observer).kill();
            // Normally zero; a frame can only have been heard if it beat the kill() call.
            int eventsAtKill = observer.events();

            await().atMost(patience()).until(control::isDone);
            assertEquals(Control.KILL, control.join());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
            await().during(quietPeriod())
                    .atMost(quietPeriod().multipliedBy(3))
                    .until(() -> observer.events() == eventsAtKill);
            assertEquals(null, observer.outcome());
        }
    }

    @Test
    void closedEndpointRefusesNewRequestsWhileThoseInFlightFinish() {
        String subject = newSubject();
        BlockingQueue<IncomingRequest> held = new LinkedBlockingQueue<>();
        ServedEndpoint served = server().serve(subject, held::add);
        RecordingObserver first = new RecordingObserver();
        RecordingObserver second = new RecordingObserver();
        client().call(subject, "req-a", bytes("a"), first);
        client().call(subject, "req-b", bytes("b"), second);
        await().atMost(patience()).until(() -> served.inFlight() == 2);
        assertEquals(subject, served.subject());

        served.close();
        served.close();
        RecordingObserver refused = new RecordingObserver();
        client().call(subject, "req-c", bytes("c"), refused);
        refused.awaitError(StreamError.CannotConnect.class, patience());
        assertEquals(2, served.inFlight());

        for (IncomingRequest request : List.of(held.remove(), held.remove())) {
            request.send(request.payload());
            request.complete();
        }
        first.awaitCompleted(patience());
        second.awaitCompleted(patience());
        assertEquals(List.of("a"), first.data());
        assertEquals(List.of("b"), second.data());
        await().atMost(patience()).until(() -> served.inFlight() == 0);
        assertTrue(held.isEmpty());
    }

    @Test
    void drainedCompletesOnlyOnceClosedAndTheLastRequestInFlightEnded() {
        String subject = newSubject();
        // By request id: the plane may hand the two requests to the handler in either order.
        Map<String, IncomingRequest> held = new ConcurrentHashMap<>();
        ServedEndpoint served = server().serve(subject, request -> held.put(request.requestId(), request));
        RecordingObserver first = new RecordingObserver();
        RecordingObserver second = new RecordingObserver();
        client().call(subject, "req-drain-a", bytes("a"), first);
        client().call(subject, "req-drain-b", bytes("b"), second);
        await().atMost(patience()).until(() -> held.size() == 2);
        CompletableFuture<Void> drained = served.drained().toCompletableFuture();

        held.get("req-drain-a").complete();
        first.awaitCompleted(patience());
        assertFalse(drained.isDone(), "still accepting, and one request is in flight");

        served.close();
        assertFalse(drained.isDone(), "one request is still in flight");

        held.get("req-drain-b").complete();
        second.awaitCompleted(patience());
        await().atMost(patience()).until(drained::isDone);
        assertEquals(0, served.inFlight());
    }

    @Test
    void drainedCompletesAtCloseWhenNothingIsInFlight() {
        ServedEndpoint served = server().serve(newSubject(), IncomingRequest::complete);
        assertFalse(served.drained().toCompletableFuture().isDone());

        served.close();

        await().atMost(patience())
                .until(() -> served.drained().toCompletableFuture().isDone());
    }

    @Test
    void aKilledRequestNoLongerHoldsTheDrain() {
        String subject = newSubject();
        CompletableFuture<IncomingRequest> seen = new CompletableFuture<>();
        ServedEndpoint served = server().serve(subject, seen::complete);
        ResponseStream stream = client().call(subject, "req-drain-kill", bytes("x"), new RecordingObserver());
        await().atMost(patience()).until(seen::isDone);
        served.close();
        CompletableFuture<Void> drained = served.drained().toCompletableFuture();
        assertFalse(drained.isDone());

        // The handler never ends it; the caller's kill does.
        stream.kill();

        await().atMost(patience()).until(drained::isDone);
        assertTrue(seen.join().killed());
    }

    @Test
    void framesSentFromSeveralThreadsReachTheObserverOneAtATime() throws Exception {
        String subject = newSubject();
        int threads = 4;
        int perThread = 250;
        try (ServedEndpoint served = server().serve(subject, request -> {
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                ticker.execute(() -> {
                    for (int i = 0; i < perThread; i++) {
                        request.send(bytes(thread + ":" + i));
                    }
                    done.countDown();
                });
            }
            CompletableFuture.runAsync(() -> {
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                request.complete();
            });
        })) {
            RecordingObserver observer = new RecordingObserver();
            client().call(subject, "req-threads", bytes("x"), observer);

            observer.awaitCompleted(patience());
            List<String> data = observer.data();
            assertEquals(threads * perThread, data.size());
            for (int t = 0; t < threads; t++) {
                String prefix = t + ":";
                List<String> ofThread = new ArrayList<>();
                data.stream().filter(d -> d.startsWith(prefix)).forEach(ofThread::add);
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    expected.add(prefix + i);
                }
                assertEquals(expected, ofThread, "frames of thread " + t + " out of order");
            }
        }
    }

    @Test
    void publishedEventsReachSubscribersInOrder() {
        String topic = "vigil_test.load_metrics." + Long.toHexString(SUBJECTS.incrementAndGet());
        List<String> exact = new CopyOnWriteArrayList<>();
        List<String> wildcard = new CopyOnWriteArrayList<>();
        Subscription one = client().subscribe(topic, b -> exact.add(new String(b, StandardCharsets.UTF_8)));
        Subscription all = client().subscribe(
                        "vigil_test.load_metrics.>", b -> wildcard.add(new String(b, StandardCharsets.UTF_8)));
        try {
            for (int i = 0; i < 10; i++) {
                server().publish(topic, bytes("load-" + i));
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add("load-" + i);
            }
            await().atMost(patience()).until(() -> exact.size() == 10 && wildcard.size() == 10);
            assertEquals(expected, exact);
            assertEquals(expected, wildcard);

            one.close();
            one.close();
            server().publish(topic, bytes("after-close"));
            await().atMost(patience()).until(() -> wildcard.size() == 11);
            assertEquals(10, exact.size());
        } finally {
            one.close();
            all.close();
        }
    }

    @Test
    void planeReportsConnected() {
        assertTrue(server().connected());
        assertTrue(client().connected());
    }

    protected static ScheduledFuture<?> every(Duration period, Runnable task) {
        return ticker.scheduleAtFixedRate(task, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
