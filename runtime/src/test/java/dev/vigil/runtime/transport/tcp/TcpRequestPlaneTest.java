package dev.vigil.runtime.transport.tcp;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.discovery.DiscoveryJson;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.Transport;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.RecordingObserver;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.RequestPlaneContract;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.testing.FreePort;

/**
 * The request plane contract on the direct TCP plane (a worker plane and a frontend plane on
 * loopback, finding each other for events through an in-memory discovery), then what only a
 * connection has: a dead worker noticed at once, a frozen one by the silence timeout, a caller that
 * goes away, nobody listening, the published address.
 */
@Timeout(120)
class TcpRequestPlaneTest extends RequestPlaneContract {

    private static final TcpPlaneSettings SETTINGS = TcpPlaneSettings.defaults().withListener("127.0.0.1", 0);

    private static InMemoryDiscovery.Store store;
    private static InMemoryDiscovery workerDiscovery;
    private static TcpRequestPlane worker;
    private static TcpRequestPlane frontend;
    private static Vertx rawVertx;

    @BeforeAll
    static void start() {
        store = new InMemoryDiscovery.Store();
        workerDiscovery = new InMemoryDiscovery(store);
        worker = TcpRequestPlane.create(SETTINGS, workerDiscovery);
        frontend = TcpRequestPlane.create(SETTINGS, new InMemoryDiscovery(store));
        // The worker is in discovery, so the frontend's event subscriptions find it.
        EndpointId publisher = new EndpointId("vigil_test", "backend", "load_metrics");
        workerDiscovery.register(publisher.instance(
                workerDiscovery.instanceId(), worker.transport(publisher, workerDiscovery.instanceId()), null));
        rawVertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        if (frontend != null) {
            frontend.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (rawVertx != null) {
            rawVertx.close();
        }
    }

    @Override
    protected RequestPlane server() {
        return worker;
    }

    @Override
    protected RequestPlane client() {
        return frontend;
    }

    @Override
    protected Duration patience() {
        return SETTINGS.ackTimeout().plus(SETTINGS.silenceTimeout()).plusSeconds(2);
    }

    @Override
    protected Duration quietPeriod() {
        return SETTINGS.heartbeatInterval().multipliedBy(2);
    }

    @Test
    void theAddressIsPublishedAsDynamosTcpTransport() {
        EndpointId generate = new EndpointId("dynamo", "backend", "generate");
        Transport transport = worker.transport(generate, workerDiscovery.instanceId());
        assertInstanceOf(Transport.Tcp.class, transport);
        String expected =
                worker.listening() + "/" + workerDiscovery.instanceId().hex() + "/generate";
        assertEquals(expected, transport.address());
        assertTrue(expected.startsWith("127.0.0.1:"), expected);
        Instance instance = generate.instance(workerDiscovery.instanceId(), transport, null);
        String json = DiscoveryJson.encode(instance);
        assertTrue(json.contains("\"transport\":{\"tcp\":\"" + expected + "\"}"), json);
        assertEquals(instance, DiscoveryJson.parseInstance(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * A caller that answers on an event loop hands the plane that loop: every callback, data and
     * end alike, runs there, in order (the frontend writes the HTTP response from it, issue 14).
     */
    @Test
    void callbacksRunOnTheCallersExecutorWhenOneIsGiven() {
        String subject = newSubject();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Context context = rawVertx.getOrCreateContext();
        Executor callerLoop = task -> context.runOnContext(v -> task.run());
        try (ServedEndpoint served = worker.serve(subject, request -> {
            RecordingObserver.numbered(50).forEach(text -> request.send(bytes(text)));
            request.complete();
        })) {
            RecordingObserver observer = new RecordingObserver()
                    .onEachData(text -> threads.add(Thread.currentThread().getName()));
            frontend.call(subject, "req-executor", bytes("x"), observer, callerLoop);
            observer.awaitCompleted(patience());
            observer.assertData(RecordingObserver.numbered(50));
            observer.assertContractHeld();
            // One Vert.x context, one event-loop thread: nothing ran on the plane's own pool.
            assertEquals(1, threads.size(), threads.toString());
            assertTrue(threads.iterator().next().startsWith("vert.x-eventloop-thread-"), threads.toString());
        }
    }

    /**
     * A call made on one of the caller's event loops goes on a connection of that loop: its frames are
     * read on the thread that made the call, with no hop to another loop (issue 14). Two loops, two
     * calls: each call's frames come in on its own loop. The observer runs inline on the reading
     * thread ({@code Runnable::run}) only so that the test sees which thread read the frames.
     */
    @Test
    void aCallMadeOnAnEventLoopIsReadOnThatLoop() throws Exception {
        String subject = newSubject();
        Vertx callerVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        TcpRequestPlane caller = TcpRequestPlane.create(callerVertx, SETTINGS, null);
        try (ServedEndpoint served = worker.serve(subject, request -> {
            RecordingObserver.numbered(20).forEach(text -> request.send(bytes(text)));
            request.complete();
        })) {
            Set<String> callingThreads = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 2; i++) {
                Set<String> readingThreads = ConcurrentHashMap.newKeySet();
                CompletableFuture<String> callingThread = new CompletableFuture<>();
                RecordingObserver observer = new RecordingObserver()
                        .onEachData(text ->
                                readingThreads.add(Thread.currentThread().getName()));
                String requestId = "req-loop-" + i;
                ((VertxInternal) callerVertx).createEventLoopContext().runOnContext(v -> {
                    callingThread.complete(Thread.currentThread().getName());
                    caller.call(subject, requestId, bytes("x"), observer, Runnable::run);
                });
                observer.awaitCompleted(patience());
                observer.assertData(RecordingObserver.numbered(20));
                observer.assertContractHeld();
                String calling = callingThread.get(5, TimeUnit.SECONDS);
                assertEquals(Set.of(calling), readingThreads);
                callingThreads.add(calling);
            }
            assertEquals(2, callingThreads.size(), "the two calls ran on two loops: " + callingThreads);
        } finally {
            caller.close();
            callerVertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void slowWorkerWhoseHeartbeatsFlowIsNotDisconnected() {
        String subject = newSubject();
        Duration pause = SETTINGS.silenceTimeout().multipliedBy(3);
        try (ServedEndpoint served = worker.serve(subject, request -> {
            request.send(bytes("first"));
            ticker.schedule(
                    () -> {
                        request.send(bytes("after-a-long-think"));
                        request.complete();
                    },
                    pause.toMillis(),
                    TimeUnit.MILLISECONDS);
        })) {
            RecordingObserver observer = new RecordingObserver();
            frontend.call(subject, "req-slow", bytes("x"), observer);
            observer.awaitCompleted(pause.plus(patience()));
            assertEquals(List.of("first", "after-a-long-think"), observer.data());
        }
    }

    /**
     * The caller's own event loop blocked for twice the silence timeout (a burst of writes to its
     * clients, a long GC) reads nothing, so the worker's heartbeats wait unread in the socket: that
     * is the caller's lag, not the worker's silence, and the stream survives it.
     */
    @Test
    void aCallerWhoseOwnLoopIsBlockedDoesNotBlameTheWorker() throws Exception {
        String subject = newSubject();
        Duration blocked = SETTINGS.silenceTimeout().multipliedBy(2);
        Vertx callerVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        TcpRequestPlane caller = TcpRequestPlane.create(callerVertx, SETTINGS, null);
        CountDownLatch unblocked = new CountDownLatch(1);
        try (ServedEndpoint served = worker.serve(subject, request -> {
            request.send(bytes("first"));
            // The second frame only once the caller's loop runs again: heartbeats are all it gets meanwhile.
            CompletableFuture.runAsync(() -> {
                try {
                    unblocked.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                request.send(bytes("second"));
                request.complete();
            });
        })) {
            RecordingObserver observer = new RecordingObserver().onEachData(text -> {
                if (text.equals("first")) {
                    // A task of its own on the loop that reads the connection: it reads nothing meanwhile.
                    Vertx.currentContext().runOnContext(v -> {
                        try {
                            Thread.sleep(blocked.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        unblocked.countDown();
                    });
                }
            });
            ((VertxInternal) callerVertx)
                    .createEventLoopContext()
                    .runOnContext(v -> caller.call(subject, "req-blocked-loop", bytes("x"), observer, Runnable::run));
            observer.awaitCompleted(blocked.plus(patience()));
            assertEquals(List.of("first", "second"), observer.data());
            observer.assertContractHeld();
        } finally {
            caller.close();
            callerVertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void workerProcessKilledMidStreamIsDisconnectedAtOnce() throws Exception {
        Path log = Path.of("target", "it-logs", "tcp-serve-until-killed-" + System.nanoTime() + ".log");
        Files.createDirectories(log.getParent());
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TcpServeUntilKilled.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await("worker process serving").atMost(Duration.ofSeconds(60)).until(() -> {
                if (!child.isAlive()) {
                    throw new AssertionError("worker process exited: " + Files.readString(log));
                }
                return Files.readString(log).contains("ADDRESS ");
            });
            String address = Files.readString(log)
                    .lines()
                    .filter(l -> l.startsWith("ADDRESS "))
                    .findFirst()
                    .orElseThrow()
                    .substring("ADDRESS ".length());
            // A caller whose silence timeout is far longer than the test: a Disconnected can only
            // come from the closed connection, however slowly a loaded machine reaps the process.
            TcpPlaneSettings patient = new TcpPlaneSettings(
                    "127.0.0.1", 0, SETTINGS.heartbeatInterval(), Duration.ofMinutes(10), SETTINGS.ackTimeout());
            TcpRequestPlane caller = TcpRequestPlane.create(patient, new InMemoryDiscovery(store));
            try {
                RecordingObserver observer = new RecordingObserver();
                caller.call(address, "req-dead-worker", bytes("x"), observer);
                observer.awaitData(5, patience());

                long killedAt = System.nanoTime();
                child.destroyForcibly(); // SIGKILL: no goodbye, like a crashed worker
                StreamError.Disconnected error =
                        observer.awaitError(StreamError.Disconnected.class, Duration.ofMinutes(1));
                Duration detected = Duration.ofNanos(observer.outcome().atNanos() - killedAt);
                System.out.printf(
                        "Dead worker detected %d ms after SIGKILL: %s%n", detected.toMillis(), error.message());
                // The kernel closes a killed process's sockets: the stream ends on that, not on silence.
                assertTrue(error.message().contains("closed"), error.message());
            } finally {
                caller.close();
            }

            // The next call to the dead process cannot connect, at once.
            RecordingObserver next = new RecordingObserver();
            frontend.call(address, "req-after-death", bytes("x"), next);
            RequestPlaneContract.assertKnownAtOnce(next.awaitError(StreamError.CannotConnect.class, patience()));
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void frozenWorkerIsDisconnectedByTheSilenceTimeoutAndToldToStop() throws Exception {
        BlockingQueue<Byte> controls = new LinkedBlockingQueue<>();
        // A server that acknowledges, sends one frame, then never writes again (SIGSTOP, a hung host).
        String address = rawServer(frame -> {
                    if (TcpWire.kind(frame) == TcpWire.REQUEST) {
                        return List.of(
                                TcpWire.control(TcpWire.ACK, TcpWire.stream(frame)),
                                TcpWire.data(TcpWire.stream(frame), 0, bytes("only")));
                    }
                    controls.add(TcpWire.kind(frame));
                    return List.of();
                })
                + "/7/generate";
        RecordingObserver observer = new RecordingObserver();
        long since = System.nanoTime();
        frontend.call(address, "req-frozen", bytes("x"), observer);
        observer.awaitData(1, patience());

        StreamError.Disconnected error = observer.awaitError(StreamError.Disconnected.class, patience());
        Duration detected = Duration.ofNanos(observer.outcome().atNanos() - since);
        assertTrue(detected.compareTo(SETTINGS.silenceTimeout()) >= 0, "too soon: " + detected.toMillis() + " ms");
        assertTrue(error.message().contains("silence timeout"), error.message());
        assertEquals(TcpWire.KILL, controls.poll(patience().toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void requestThatIsNeverAcknowledgedCannotConnectAfterTheAckTimeout() throws Exception {
        BlockingQueue<Byte> controls = new LinkedBlockingQueue<>();
        String address = rawServer(frame -> {
                    if (TcpWire.kind(frame) != TcpWire.REQUEST) {
                        controls.add(TcpWire.kind(frame));
                    }
                    return List.of();
                })
                + "/7/generate";
        RecordingObserver observer = new RecordingObserver();
        long start = System.nanoTime();
        frontend.call(address, "req-unacked", bytes("x"), observer);

        StreamError.CannotConnect error = observer.awaitError(StreamError.CannotConnect.class, patience());
        Duration took = Duration.ofNanos(observer.outcome().atNanos() - start);
        assertTrue(took.compareTo(SETTINGS.ackTimeout()) >= 0, "took " + took.toMillis() + " ms");
        assertTrue(error.message().contains("acknowledgement"), error.message());
        // Should the request arrive after all, the server is told to drop it.
        assertEquals(TcpWire.KILL, controls.poll(patience().toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void nobodyListeningCannotConnectAtOnce() {
        RecordingObserver observer = new RecordingObserver();
        frontend.call("127.0.0.1:" + FreePort.next() + "/7/generate", "req-nobody", bytes("x"), observer);
        StreamError.CannotConnect error = observer.awaitError(StreamError.CannotConnect.class, patience());
        // At once means from the refused connection, not from the acknowledgement timeout: told by
        // the cause, which a slow machine cannot change.
        assertTrue(error.message().contains("cannot connect"), error.message());
        RequestPlaneContract.assertKnownAtOnce(error);
    }

    @Test
    void aNatsSubjectIsNotAnAddressHere() {
        RecordingObserver observer = new RecordingObserver();
        frontend.call("dynamo_backend.generate-694d98147d54be25", "req-nats", bytes("x"), observer);
        StreamError.CannotConnect error = observer.awaitError(StreamError.CannotConnect.class, patience());
        assertTrue(error.message().contains(EnvNames.DYN_REQUEST_PLANE), error.message());
    }

    @Test
    void callerThatGoesAwayKillsTheRequestAtTheWorker() {
        String subject = newSubject();
        CompletableFuture<Control> control = new CompletableFuture<>();
        AtomicLong heardAt = new AtomicLong();
        try (ServedEndpoint served = worker.serve(subject, request -> {
            request.onControl(c -> {
                heardAt.compareAndSet(0, System.nanoTime());
                control.complete(c);
            });
            AtomicInteger n = new AtomicInteger();
            var ticks = every(TICK, () -> request.send(bytes("frame-" + n.getAndIncrement())));
            control.thenRun(() -> ticks.cancel(false));
        })) {
            RecordingObserver observer = new RecordingObserver();
            TcpRequestPlane caller = TcpRequestPlane.create(SETTINGS, null);
            caller.call(subject, "req-orphan", bytes("x"), observer);
            observer.awaitData(2, patience());

            long closing = System.nanoTime();
            caller.close();
            await().atMost(SETTINGS.heartbeatInterval().multipliedBy(4)).until(control::isDone);
            System.out.printf(
                    "Worker heard KILL %d ms after its caller began closing its plane%n",
                    Duration.ofNanos(heardAt.get() - closing).toMillis());
            assertEquals(Control.KILL, control.join());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
            assertEquals(
                    StreamError.Disconnected.class,
                    observer.awaitEnd(patience()).error().getClass());
        }
    }

    /**
     * Flow control (issue 26): a caller that pauses its stream stops granting credit, so the worker
     * can put at most one window on the wire and then sees {@code writable() == false}; a handler
     * that pauses there (as the worker's engines do) holds nothing more. Resuming delivers every
     * frame, in order, and the handler is resumed to finish. Sizes come from the protocol's window,
     * not from timing.
     */
    @Test
    void aPausedStreamStopsTheWorkerAtOneWindowAndResumingDeliversEverything() {
        String subject = newSubject();
        int frameBytes = 1024;
        int frames = 4 * TcpWire.INITIAL_WINDOW / frameBytes;
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger pausedAt = new AtomicInteger(-1);
        // The handler starts sending only once the caller has paused, so nothing races the pause.
        CompletableFuture<Void> paused = new CompletableFuture<>();
        try (ServedEndpoint served = worker.serve(subject, request -> {
            // A source that sends while it may, and pauses like an engine when it may not.
            Runnable[] pump = new Runnable[1];
            pump[0] = () -> {
                while (sent.get() < frames) {
                    request.send(frame(sent.get(), frameBytes));
                    sent.incrementAndGet();
                    if (!request.writable()) {
                        pausedAt.compareAndSet(-1, sent.get());
                        request.onWritable(() -> CompletableFuture.runAsync(pump[0]));
                        return;
                    }
                }
                request.complete();
            };
            paused.thenRunAsync(pump[0]);
        })) {
            RecordingObserver observer = new RecordingObserver();
            var stream = frontend.call(subject, "req-paused", bytes("x"), observer);
            stream.pause();
            paused.complete(null);
            await().atMost(patience()).until(() -> pausedAt.get() > 0);
            // Nothing was taken, so the worker had only the initial window: that much went out.
            int window = TcpWire.INITIAL_WINDOW / frameBytes;
            assertEquals(window, pausedAt.get(), "frames sent before the worker ran out of credit");
            assertEquals(0, observer.dataCount(), "a paused stream delivers nothing");
            assertEquals(window, sent.get(), "the paused source sent nothing more");
            stream.resume();
            observer.awaitCompleted(patience());
            List<String> data = observer.data();
            assertEquals(frames, data.size());
            for (int i = 0; i < frames; i++) {
                assertTrue(data.get(i).startsWith("frame-" + i + ":"), "frame " + i + " in order");
            }
            await().atMost(patience()).until(() -> served.inFlight() == 0);
        }
    }

    /** {@code frame-<n>:} padded with dots to {@code size} bytes. */
    private static byte[] frame(int n, int size) {
        StringBuilder text = new StringBuilder("frame-").append(n).append(':');
        while (text.length() < size) {
            text.append('.');
        }
        return bytes(text.toString());
    }

    /**
     * A handler that ignores flow control cannot grow the worker's memory without limit: past what a
     * request may hold beyond its credit it is failed and killed, and the caller hears why.
     */
    @Test
    void aHandlerThatIgnoresFlowControlIsFailedAtTheHoldLimit() {
        String subject = newSubject();
        CompletableFuture<Control> control = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        try (ServedEndpoint served = worker.serve(subject, request -> {
            request.onControl(control::complete);
            started.thenRunAsync(() -> {
                byte[] frame = new byte[1024];
                for (int i = 0; i < 16 * TcpWire.INITIAL_WINDOW / frame.length && !request.killed(); i++) {
                    request.send(frame);
                }
                request.complete();
            });
        })) {
            RecordingObserver observer = new RecordingObserver();
            var stream = frontend.call(subject, "req-flood", bytes("x"), observer);
            stream.pause();
            started.complete(null);
            await().atMost(patience()).until(control::isDone);
            assertEquals(Control.KILL, control.join());
            await().atMost(patience()).until(() -> served.inFlight() == 0);
            stream.resume();
            StreamError error = observer.awaitError(StreamError.Backend.class, patience());
            assertTrue(error.message().contains("flow control ignored"), error.message());
        }
    }

    /**
     * A server speaking the frame format by hand: {@code answer} gets each frame the plane sends
     * and returns the frames to write back. Returns {@code host:port}.
     */
    private static String rawServer(java.util.function.Function<Buffer, List<Buffer>> answer) throws Exception {
        NetServer server = rawVertx.createNetServer().connectHandler((NetSocket socket) -> {
            Consumer<Buffer> onFrame = frame -> answer.apply(frame).forEach(socket::write);
            socket.handler(new FrameParser(onFrame, bad -> socket.close()));
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return "127.0.0.1:" + server.actualPort();
    }
}
