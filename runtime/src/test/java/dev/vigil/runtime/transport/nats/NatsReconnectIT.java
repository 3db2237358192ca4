package dev.vigil.runtime.transport.nats;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.transport.RecordingObserver;
import dev.vigil.runtime.transport.RequestPlaneException;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.testing.NatsServer;

/** nats-server restarts under a worker and a frontend: both planes come back by themselves. */
// Per method: up to five reconnect bounds (15 s each) in a row.
@Timeout(120)
class NatsReconnectIT {

    private static final NatsPlaneSettings SETTINGS = NatsPlaneSettings.defaults();
    /** Reconnect attempts are a quarter second apart; a restart on loopback takes well under this. */
    private static final Duration RECONNECT_BOUND = Duration.ofSeconds(15);
    /**
     * Disconnected, close() does not drain: it only stops threads and the socket. A drain would wait
     * out its whole timeout, so staying under that proves it was skipped, with the timeout's length
     * as room for a loaded machine.
     */
    private static final Duration CLOSE_BOUND = NatsRequestPlane.CONFIRM_TIMEOUT;

    @Test
    void aPlaneStartedBeforeNatsServerWaitsForItAndServes() throws Exception {
        try (NatsServer nats = new NatsServer()) {
            java.util.concurrent.CompletableFuture<NatsRequestPlane> connecting =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> NatsRequestPlane.connect(
                            nats.url(), SETTINGS, Duration.ofSeconds(60), dev.vigil.runtime.time.Clock.SYSTEM));
            // Not connected, not failed: still trying, since nothing listens yet.
            assertFalse(connecting.isDone());
            nats.start();
            try (NatsRequestPlane plane = connecting.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
                assertTrue(plane.connected());
            }
        }
    }

    @Test
    void aPlaneGivesUpOnceItsStartupWaitIsOverSayingHowLongItTried() {
        String nowhere = "nats://127.0.0.1:" + dev.vigil.testing.FreePort.next();
        RequestPlaneException e = org.junit.jupiter.api.Assertions.assertThrows(
                RequestPlaneException.class,
                () -> NatsRequestPlane.connect(
                        nowhere, SETTINGS, Duration.ofSeconds(1), dev.vigil.runtime.time.Clock.SYSTEM));
        assertTrue(
                e.getMessage().startsWith("Cannot connect to NATS at " + nowhere + " (tried for 1 s)"), e.getMessage());
    }

    @Test
    void planesReconnectAfterNatsServerRestartsAndServeAgain() {
        try (NatsServer nats = NatsServer.started();
                NatsRequestPlane worker = NatsRequestPlane.connect(nats.url(), SETTINGS);
                NatsRequestPlane frontend = NatsRequestPlane.connect(nats.url(), SETTINGS)) {
            String subject = "vigil_test.generate-2a";
            ServedEndpoint served = worker.serve(subject, request -> {
                request.send(bytes("hello"));
                request.complete();
            });
            assertCallSucceeds(frontend, subject, "before");

            nats.kill();
            await("worker disconnected").atMost(RECONNECT_BOUND).until(() -> !worker.connected());
            await("frontend disconnected").atMost(RECONNECT_BOUND).until(() -> !frontend.connected());
            RecordingObserver whileDown = new RecordingObserver();
            frontend.call(subject, "while-down", bytes("x"), whileDown);
            whileDown.awaitError(StreamError.CannotConnect.class, SETTINGS.ackTimeout());

            nats.start();
            await("worker reconnected").atMost(RECONNECT_BOUND).until(worker::connected);
            await("frontend reconnected").atMost(RECONNECT_BOUND).until(frontend::connected);
            // The worker's subscription comes back on its own connection, a moment after it
            // reconnects; until then a call may find nobody there, which is the honest answer.
            await("a call succeeds after the restart")
                    .atMost(RECONNECT_BOUND)
                    .pollInterval(SETTINGS.heartbeatInterval())
                    .until(() -> callOnce(frontend, subject) == null);
            assertEquals(subject, served.subject());
        }
    }

    @Test
    void closingWhileNatsServerIsDownIsBoundedAndEndsOpenStreams() {
        try (NatsServer nats = NatsServer.started()) {
            NatsRequestPlane frontend = NatsRequestPlane.connect(nats.url(), SETTINGS);
            RecordingObserver open = new RecordingObserver();
            try (NatsRequestPlane worker = NatsRequestPlane.connect(nats.url(), SETTINGS)) {
                String subject = "vigil_test.generate-2b";
                // Accepts and never answers: the stream stays open until something ends it.
                ServedEndpoint served = worker.serve(subject, request -> {});
                frontend.call(subject, "held", bytes("x"), open);
                await().atMost(SETTINGS.ackTimeout()).until(() -> served.inFlight() == 1);

                nats.kill();
                await("frontend disconnected").atMost(RECONNECT_BOUND).until(() -> !frontend.connected());
                long start = System.nanoTime();
                frontend.close();
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.printf("Closed a plane while nats-server was down in %d ms%n", took.toMillis());
                assertTrue(took.compareTo(CLOSE_BOUND) < 0, "close took " + took.toMillis() + " ms");
                open.awaitError(
                        StreamError.Disconnected.class,
                        SETTINGS.silenceTimeout().multipliedBy(2));
                assertFalse(frontend.connected());
            }
        }
    }

    private static void assertCallSucceeds(NatsRequestPlane frontend, String subject, String id) {
        RecordingObserver observer = new RecordingObserver();
        frontend.call(subject, id, bytes("x"), observer);
        observer.awaitCompleted(SETTINGS.ackTimeout().plus(SETTINGS.silenceTimeout()));
        assertEquals(List.of("hello"), observer.data());
    }

    /** Calls once and returns the error, or null if the stream completed with the expected data. */
    private static StreamError callOnce(NatsRequestPlane frontend, String subject) {
        RecordingObserver observer = new RecordingObserver();
        frontend.call(subject, "after", bytes("x"), observer);
        RecordingObserver.Outcome end = observer.awaitEnd(SETTINGS.ackTimeout().plus(SETTINGS.silenceTimeout()));
        if (end.completed()) {
            assertEquals(List.of("hello"), observer.data());
        }
        return end.error();
    }
}
