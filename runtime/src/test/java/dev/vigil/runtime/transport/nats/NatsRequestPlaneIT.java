package dev.vigil.runtime.transport.nats;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.RecordingObserver;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.RequestPlaneContract;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.testing.NatsServer;

/**
 * The NATS plane against a real nats-server: the request-plane contract with a worker plane and a
 * frontend plane on two connections, then what only a network plane has (acknowledgement, silence,
 * lost frames, dead workers, departed callers).
 */
// Per method: the longest waits 60 s for a worker process to serve, then for its death to be seen.
@Timeout(120)
class NatsRequestPlaneIT extends RequestPlaneContract {

    private static final NatsPlaneSettings SETTINGS = NatsPlaneSettings.defaults();

    private static NatsServer nats;
    private static NatsRequestPlane worker;
    private static NatsRequestPlane frontend;

    @BeforeAll
    static void start() {
        nats = NatsServer.started();
        worker = NatsRequestPlane.connect(nats.url(), SETTINGS);
        frontend = NatsRequestPlane.connect(nats.url(), SETTINGS);
    }

    @AfterAll
    static void stop() {
        if (frontend != null) {
            frontend.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (nats != null) {
            nats.close();
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
            long start = System.nanoTime();
            frontend.call(subject, "req-slow", bytes("x"), observer);

            observer.awaitCompleted(pause.plus(patience()));
            assertEquals(List.of("first", "after-a-long-think"), observer.data());
            assertTrue(Duration.ofNanos(observer.outcome().atNanos() - start).compareTo(pause) >= 0);
        }
    }

    @Test
    void workerProcessKilledMidStreamIsDisconnectedWithinTheSilenceTimeout() throws Exception {
        String subject = newSubject();
        Path log = Path.of("target", "it-logs", "serve-until-killed-" + subject + ".log");
        Files.createDirectories(log.getParent());
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServeUntilKilled.class.getName(),
                        nats.url(),
                        subject)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await("worker process serving").atMost(Duration.ofSeconds(60)).until(() -> {
                if (!child.isAlive()) {
                    throw new AssertionError("worker process exited: " + Files.readString(log));
                }
                return Files.readString(log).contains("READY");
            });
            RecordingObserver observer = new RecordingObserver();
            frontend.call(subject, "req-dead-worker", bytes("x"), observer);
            observer.awaitData(5, patience());

            long killedAt = System.nanoTime();
            child.destroyForcibly(); // SIGKILL: no goodbye, like a crashed worker
            StreamError.Disconnected error = observer.awaitError(StreamError.Disconnected.class, patience());

            Duration detected = Duration.ofNanos(observer.outcome().atNanos() - killedAt);
            // Silence timeout, plus the timer's check period (a tenth of it), plus 2 s of scheduling
            // slack on a loaded machine: what matters is that the silence timeout, not something
            // slower, ended the stream (the lower bound below says it was not anything faster).
            Duration bound = SETTINGS.silenceTimeout()
                    .plus(SETTINGS.silenceTimeout().dividedBy(10))
                    .plusSeconds(2);
            System.out.printf(
                    "Dead worker detected %d ms after SIGKILL (silence timeout %d ms): %s%n",
                    detected.toMillis(), SETTINGS.silenceTimeout().toMillis(), error.message());
            assertTrue(
                    detected.compareTo(bound) <= 0, "took " + detected.toMillis() + " ms, bound " + bound.toMillis());
            assertTrue(
                    detected.compareTo(SETTINGS.silenceTimeout().dividedBy(2)) >= 0,
                    "too fast for silence detection: " + detected.toMillis() + " ms");
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
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
            NatsRequestPlane caller = NatsRequestPlane.connect(nats.url(), SETTINGS);
            caller.call(subject, "req-orphan", bytes("x"), observer);
            observer.awaitData(2, patience());

            long closing = System.nanoTime();
            caller.close();
            // The next frame or heartbeat after the inbox is gone draws a "no responders".
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

    @Test
    void subscriberThatNeverAcknowledgesCannotConnectAfterTheAckTimeoutAndALateAckIsKilled() throws Exception {
        String subject = newSubject();
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        BlockingQueue<Message> controls = new LinkedBlockingQueue<>();
        try (Connection raw = Nats.connect(nats.url())) {
            Dispatcher dispatcher = raw.createDispatcher();
            dispatcher.subscribe(subject, received::add);
            dispatcher.subscribe("_INBOX.rawworker.*", controls::add);
            raw.flush(Duration.ofSeconds(5));

            RecordingObserver observer = new RecordingObserver();
            long start = System.nanoTime();
            frontend.call(subject, "req-unacked", bytes("x"), observer);

            StreamError.CannotConnect error = observer.awaitError(StreamError.CannotConnect.class, patience());
            Duration took = Duration.ofNanos(observer.outcome().atNanos() - start);
            assertTrue(took.compareTo(SETTINGS.ackTimeout()) >= 0, "took " + took.toMillis() + " ms");
            assertTrue(error.message().contains("acknowledgement"), error.message());

            Message request = received.poll(5, TimeUnit.SECONDS);
            assertEquals("req-unacked", request.getHeaders().getFirst("Vigil-Request-Id"));
            raw.publish(
                    request.getReplyTo(), "_INBOX.rawworker.1", new Headers().put("Vigil-Frame", "ack"), new byte[0]);

            Message kill = controls.poll(patience().toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("kill", kill.getHeaders().getFirst("Vigil-Control"));
        }
    }

    @Test
    void aMissingFrameIsDisconnectedAndTheWorkerIsToldToStop() throws Exception {
        String subject = newSubject();
        BlockingQueue<Message> controls = new LinkedBlockingQueue<>();
        try (Connection raw = Nats.connect(nats.url())) {
            Dispatcher dispatcher = raw.createDispatcher();
            String control = "_INBOX.rawworker.2";
            dispatcher.subscribe(control, controls::add);
            dispatcher.subscribe(subject, request -> {
                String reply = request.getReplyTo();
                raw.publish(reply, control, new Headers().put("Vigil-Frame", "ack"), new byte[0]);
                raw.publish(reply, control, frame("data", 0), bytes("zero"));
                raw.publish(reply, control, frame("data", 2), bytes("two"));
                raw.publish(reply, control, frame("end", 3), new byte[0]);
            });
            raw.flush(Duration.ofSeconds(5));

            RecordingObserver observer = new RecordingObserver();
            frontend.call(subject, "req-gap", bytes("x"), observer);

            StreamError.Disconnected error = observer.awaitError(StreamError.Disconnected.class, patience());
            assertTrue(error.message().contains("expected frame 1, got 2"), error.message());
            assertEquals(List.of("zero"), observer.data());
            Message kill = controls.poll(patience().toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("kill", kill.getHeaders().getFirst("Vigil-Control"));
            assertEquals("req-gap", kill.getHeaders().getFirst("Vigil-Request-Id"));
        }
    }

    @Test
    void anEndFrameThatCountsMoreFramesThanArrivedIsDisconnected() throws Exception {
        String subject = newSubject();
        try (Connection raw = Nats.connect(nats.url())) {
            Dispatcher dispatcher = raw.createDispatcher();
            dispatcher.subscribe(subject, request -> {
                String reply = request.getReplyTo();
                raw.publish(reply, "_INBOX.rawworker.3", frame("data", 0), bytes("zero"));
                raw.publish(reply, "_INBOX.rawworker.3", frame("end", 2), new byte[0]);
            });
            raw.flush(Duration.ofSeconds(5));

            RecordingObserver observer = new RecordingObserver();
            frontend.call(subject, "req-short", bytes("x"), observer);

            StreamError.Disconnected error = observer.awaitError(StreamError.Disconnected.class, patience());
            assertTrue(error.message().contains("expected frame 1, got 2"), error.message());
        }
    }

    @Test
    void wireFormatOfARequestAndItsFrames() throws Exception {
        String subject = newSubject();
        BlockingQueue<Message> frames = new LinkedBlockingQueue<>();
        try (Connection raw = Nats.connect(nats.url());
                ServedEndpoint served = worker.serve(subject, request -> {
                    request.send(bytes("token"));
                    request.fail("boom");
                })) {
            String inbox = raw.createInbox();
            raw.createDispatcher().subscribe(inbox, frames::add);
            raw.flush(Duration.ofSeconds(5));
            raw.publish(subject, inbox, new Headers().put("Vigil-Request-Id", "req-raw"), bytes("x"));

            Message ack = nextFrame(frames);
            Message data = nextFrame(frames);
            Message error = nextFrame(frames);
            assertEquals("ack", ack.getHeaders().getFirst("Vigil-Frame"));
            assertTrue(ack.getReplyTo().startsWith("_INBOX."), ack.getReplyTo());
            assertEquals("data", data.getHeaders().getFirst("Vigil-Frame"));
            assertEquals("0", data.getHeaders().getFirst("Vigil-Seq"));
            assertEquals("token", new String(data.getData()));
            assertEquals(ack.getReplyTo(), data.getReplyTo());
            assertEquals("error", error.getHeaders().getFirst("Vigil-Frame"));
            assertEquals("1", error.getHeaders().getFirst("Vigil-Seq"));
            assertEquals("boom", new String(error.getData()));
        }
    }

    private static Headers frame(String kind, long seq) {
        return new Headers().put("Vigil-Frame", kind).put("Vigil-Seq", Long.toString(seq));
    }

    /** The next frame that is not a heartbeat (those come whenever the timer fires). */
    private static Message nextFrame(BlockingQueue<Message> frames) throws InterruptedException {
        while (true) {
            Message message = frames.poll(5, TimeUnit.SECONDS);
            if (message == null || !"hb".equals(message.getHeaders().getFirst("Vigil-Frame"))) {
                return message;
            }
        }
    }
}
