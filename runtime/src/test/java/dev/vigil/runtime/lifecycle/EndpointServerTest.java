package dev.vigil.runtime.lifecycle;

import static dev.vigil.runtime.transport.RecordingObserver.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.transport.IncomingRequest;
import dev.vigil.runtime.transport.RecordingObserver;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.local.LocalRequestPlane;

/** The endpoint lifecycle's order, observed from the observer, discovery and a caller. */
@Timeout(30)
class EndpointServerTest {

    static final Duration PATIENCE = Duration.ofSeconds(5);

    final LocalRequestPlane plane = new LocalRequestPlane();
    final InMemoryDiscovery discovery = new InMemoryDiscovery(new InMemoryDiscovery.Store());
    final List<String> events = new CopyOnWriteArrayList<>();
    final Instance generate =
            new EndpointId("endpoint_server_test", "backend", "generate").instance(discovery.instanceId());

    @AfterEach
    void close() {
        discovery.close();
        plane.close();
    }

    /** Records each call with what a caller and a router could see at that moment. */
    final EndpointObserver observer = new EndpointObserver() {
        @Override
        public void served(String endpoint) {
            events.add("served " + endpoint + " answering=" + answers() + " registered=" + registered());
        }

        @Override
        public void stopped(String endpoint) {
            events.add("stopped " + endpoint + " registered=" + registered());
        }
    };

    boolean registered() {
        return discovery.instances().contains(generate);
    }

    boolean answers() {
        RecordingObserver observer = new RecordingObserver();
        plane.call(generate.address(), "probe", bytes("x"), observer);
        return observer.awaitEnd(PATIENCE).completed();
    }

    /** Holds every request but the observer's probes, which it answers at once. */
    static RequestHandler holding(BlockingQueue<IncomingRequest> held) {
        return request -> {
            if (request.requestId().equals("probe")) {
                request.complete();
            } else {
                held.add(request);
            }
        };
    }

    @Test
    void servesThenMarksServedThenRegisters() {
        EndpointServer server = new EndpointServer(plane, discovery, observer);

        server.serve(generate, IncomingRequest::complete);

        assertEquals(List.of("served generate answering=true registered=false"), events);
        assertTrue(registered());
        assertFalse(server.isEmpty());
    }

    @Test
    void stopUnregistersThenStopsAcceptingThenWaitsForTheRequestsInFlight() {
        EndpointServer server = new EndpointServer(plane, discovery, observer);
        BlockingQueue<IncomingRequest> held = new LinkedBlockingQueue<>();
        server.serve(generate, holding(held));
        RecordingObserver caller = new RecordingObserver();
        plane.call(generate.address(), "req-in-flight", bytes("x"), caller);
        await().atMost(PATIENCE).until(() -> held.size() == 1);

        CompletableFuture<Boolean> stopped =
                CompletableFuture.supplyAsync(() -> server.stop(Duration.ZERO, PATIENCE.multipliedBy(2)));
        await().atMost(PATIENCE).until(() -> events.size() == 2);
        assertEquals("stopped generate registered=false", events.get(1));
        RecordingObserver late = new RecordingObserver();
        plane.call(generate.address(), "req-late", bytes("x"), late);
        late.awaitError(StreamError.CannotConnect.class, PATIENCE);
        assertFalse(stopped.isDone(), "a request is still in flight");

        held.remove().complete();

        assertTrue(stopped.join());
        caller.awaitCompleted(PATIENCE);
    }

    @Test
    void stopReportsRequestsThatOutlastTheDrainTimeout() {
        EndpointServer server = new EndpointServer(plane, discovery, observer);
        BlockingQueue<IncomingRequest> held = new LinkedBlockingQueue<>();
        server.serve(generate, holding(held));
        plane.call(generate.address(), "req-stuck", bytes("x"), new RecordingObserver());
        await().atMost(PATIENCE).until(() -> held.size() == 1);

        assertFalse(server.stop(Duration.ZERO, Duration.ofMillis(100)));
        assertFalse(registered());
    }

    @Test
    void aStagedStopReportsEachStageAndCutsTheDrainAtTheBudget() {
        EndpointServer server = new EndpointServer(plane, discovery, observer);
        BlockingQueue<IncomingRequest> held = new LinkedBlockingQueue<>();
        server.serve(generate, holding(held));
        plane.call(generate.address(), "req-stuck", bytes("x"), new RecordingObserver());
        await().atMost(PATIENCE).until(() -> held.size() == 1);
        List<String> stages = new CopyOnWriteArrayList<>();
        // 300 ms in all, 100 ms of them kept for cleanup: the request in flight gets what is left
        // after a 100 ms router grace, and no more, although its own cap is an hour.
        ShutdownPlan plan = new ShutdownPlan(
                ShutdownBudget.start(Duration.ofMillis(300), Duration.ofMillis(100)),
                Duration.ofMillis(100),
                Optional.of(Duration.ofHours(1)),
                (stage, reason, elapsed, remaining, inFlight) ->
                        stages.add(stage.wireName() + " " + reason.wireName() + " inflight=" + inFlight));

        assertFalse(server.stop(plan));
        assertEquals(
                List.of(
                        "unregister started inflight=1",
                        "unregister completed inflight=1",
                        "router_grace started inflight=1",
                        "router_grace completed inflight=1",
                        "stop_admission started inflight=1",
                        "stop_admission completed inflight=1",
                        "inflight started inflight=1",
                        "inflight timed_out inflight=1"),
                stages);
        assertFalse(registered());
    }

    @Test
    void theGracePeriodKeepsAcceptingAfterDeregistration() {
        EndpointServer server = new EndpointServer(plane, discovery, observer);
        server.serve(generate, IncomingRequest::complete);
        Duration grace = Duration.ofMillis(500);

        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.stop(grace, PATIENCE));
        await().atMost(PATIENCE).until(() -> !registered());

        assertTrue(answers(), "still accepting during the grace period");
        assertTrue(stopped.join());
        assertFalse(answers());
    }

    @Test
    void leaveUnregistersAndStopsAcceptingWithoutWaiting() {
        EndpointServer server = new EndpointServer(plane, discovery, observer);
        server.serve(generate, holding(new LinkedBlockingQueue<>()));
        plane.call(generate.address(), "req-cut-off", bytes("x"), new RecordingObserver());

        server.leave();

        assertFalse(registered());
        assertEquals("stopped generate registered=false", events.get(1));
        assertFalse(answers());
    }

    @Test
    void haltStopsAcceptingAndLeavesDiscoveryAlone() {
        EndpointServer server = new EndpointServer(plane, discovery, observer);
        server.serve(generate, IncomingRequest::complete);

        server.halt();

        assertEquals("stopped generate registered=true", events.get(1));
        assertFalse(answers());
    }
}
