package dev.vigil.worker.drain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.worker.drain.WorkerDrain.State;

class WorkerDrainTest {

    // Delivery is an in-process hand-off to another thread: anything slower than this is a bug.
    private static final Duration DELIVERY = Duration.ofSeconds(2);

    private final InMemoryDiscovery.Store store = new InMemoryDiscovery.Store();
    private final InMemoryDiscovery discovery = new InMemoryDiscovery(store);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final WorkerDrain drain = drainOn(discovery);
    /** What a frontend on the same store sees marked draining. */
    private final InMemoryDiscovery frontend = new InMemoryDiscovery(store);

    private volatile Set<InstanceId> seen = Set.of();

    {
        frontend.watchDraining(change -> seen = Set.copyOf(change.current().values()));
    }

    private WorkerDrain drainOn(InMemoryDiscovery on) {
        WorkerDrain d = new WorkerDrain();
        d.discovery = on;
        d.countInFlightWith(inFlight::get);
        return d;
    }

    @AfterEach
    void close() {
        discovery.close();
        frontend.close();
    }

    private boolean marked() {
        return seen.contains(discovery.instanceId());
    }

    @Test
    void aServingWorkerIsNotSafeToDeleteEvenWhenIdle() {
        WorkerDrain.Status status = drain.status();
        assertEquals(State.SERVING, status.state());
        assertFalse(status.safeToDelete());
        assertFalse(drain.refusing());
    }

    @Test
    void drainMarksTheProcessInDiscoveryAndIsDrainedOnceNothingIsInFlight() {
        inFlight.set(2);
        WorkerDrain.Status status = drain.drain();
        assertEquals(new WorkerDrain.Status(State.DRAINING, 2, false), status);
        assertTrue(drain.refusing());
        await().atMost(DELIVERY).until(this::marked);
        // Idempotent: a second drain answers the same and writes nothing new.
        assertEquals(status, drain.drain());
        inFlight.set(0);
        assertEquals(new WorkerDrain.Status(State.DRAINED, 0, true), drain.status());
    }

    @Test
    void resumeRemovesTheMarkAndTakesRequestsAgainAndIsIdempotent() {
        drain.drain();
        await().atMost(DELIVERY).until(this::marked);
        assertEquals(State.SERVING, drain.resume().state());
        assertEquals(State.SERVING, drain.resume().state());
        assertFalse(drain.refusing());
        await().atMost(DELIVERY).until(() -> !marked());
    }

    @Test
    void bothAreRefusedWith409OnceShuttingDownAndNothingChanges() {
        drain.shuttingDown();
        WorkerDrain.Refused refused = assertThrows(WorkerDrain.Refused.class, drain::drain);
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains("shutting down"), refused.getMessage());
        assertEquals(409, assertThrows(WorkerDrain.Refused.class, drain::resume).status());
        assertFalse(drain.refusing());
        assertEquals(State.SHUTTING_DOWN, drain.status().state());
        assertTrue(drain.status().safeToDelete());
    }

    @Test
    void aDiscoveryThatCannotBeWrittenRefusesTheDrainWith503AndLeavesTheWorkerServing() {
        InMemoryDiscovery lost = new InMemoryDiscovery(store);
        lost.expireLease();
        WorkerDrain onLost = drainOn(lost);
        WorkerDrain.Refused refused = assertThrows(WorkerDrain.Refused.class, onLost::drain);
        assertEquals(503, refused.status());
        assertFalse(onLost.refusing());
        assertEquals(State.SERVING, onLost.status().state());
        lost.close();
    }
}
