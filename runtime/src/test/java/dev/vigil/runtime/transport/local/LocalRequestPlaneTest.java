package dev.vigil.runtime.transport.local;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.Transport;
import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.RecordingObserver;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.RequestPlaneContract;
import dev.vigil.runtime.transport.ServedEndpoint;
import dev.vigil.runtime.transport.StreamError;

class LocalRequestPlaneTest extends RequestPlaneContract {

    private LocalRequestPlane plane;

    @BeforeEach
    void open() {
        plane = new LocalRequestPlane();
    }

    @AfterEach
    void close() {
        plane.close();
    }

    @Override
    protected RequestPlane server() {
        return plane;
    }

    @Override
    protected RequestPlane client() {
        return plane;
    }

    @Override
    protected Duration patience() {
        return Duration.ofSeconds(5);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(200);
    }

    @Test
    void itAddressesEndpointsAsInProcessNotAsNats() {
        EndpointId endpoint = new EndpointId("dynamo", "backend", "generate");
        InstanceId id = InstanceId.fromHex("694d98147d54be25");
        Transport transport = plane.transport(endpoint, id);
        assertEquals(new Transport.Local(endpoint.subject(id)), transport);
        assertEquals(endpoint.subject(id), transport.address());
    }

    @Test
    void sharedIsOneInstanceThatCloseLeavesUsable() {
        LocalRequestPlane shared = LocalRequestPlane.shared();
        assertSame(shared, LocalRequestPlane.shared());
        String subject = newSubject();
        try (ServedEndpoint served = shared.serve(subject, request -> request.complete())) {
            shared.close();
            assertTrue(shared.connected());
            RecordingObserver observer = new RecordingObserver();
            shared.call(subject, "req-shared", bytes("x"), observer);
            observer.awaitCompleted(patience());
        }
    }

    @Test
    void closingThePlaneDisconnectsOpenStreamsAndKillsServedRequests() {
        String subject = newSubject();
        CompletableFuture<Control> control = new CompletableFuture<>();
        plane.serve(subject, request -> {
            request.onControl(control::complete);
            request.send(bytes("started"));
        });
        RecordingObserver observer = new RecordingObserver();
        plane.call(subject, "req-open", bytes("x"), observer);
        observer.awaitData(1, patience());

        plane.close();

        observer.awaitError(StreamError.Disconnected.class, patience());
        await().atMost(patience()).until(control::isDone);
        assertEquals(Control.KILL, control.join());
        assertFalse(plane.connected());
        assertThrows(IllegalStateException.class, () -> plane.call(subject, "late", bytes("x"), observer));
    }

    @Test
    void aSubjectIsServedOnceAndFreeAgainAfterClose() {
        String subject = newSubject();
        ServedEndpoint first = plane.serve(subject, request -> request.complete());
        assertThrows(IllegalStateException.class, () -> plane.serve(subject, request -> request.complete()));
        first.close();
        try (ServedEndpoint again = plane.serve(subject, request -> request.complete())) {
            assertEquals(subject, again.subject());
        }
    }

    @Test
    void callsAfterTheEndAreIgnoredAndListenersRegisteredLateStillHearControls() {
        String subject = newSubject();
        CompletableFuture<Control> late = new CompletableFuture<>();
        CompletableFuture<dev.vigil.runtime.transport.IncomingRequest> seen = new CompletableFuture<>();
        plane.serve(subject, seen::complete);
        RecordingObserver observer = new RecordingObserver();
        var stream = plane.call(subject, "req-late", bytes("x"), observer);
        var request = seen.join();

        stream.stop();
        await().atMost(patience()).until(request::stopped);
        request.onControl(late::complete);
        await().atMost(patience()).until(late::isDone);
        assertEquals(Control.STOP, late.join());

        request.send(bytes("one"));
        request.complete();
        request.send(bytes("ignored"));
        request.fail("ignored too");
        observer.awaitCompleted(patience());
        assertEquals(java.util.List.of("one"), observer.data());
    }
}
