package dev.vigil.runtime.discovery.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.grpc.Status;

import dev.vigil.runtime.discovery.DiscoveryException;
import dev.vigil.runtime.time.ManualClock;

/** A retried call's bound is measured on the clock it is given, not on how long the test sleeps. */
class CallsTest {

    @Test
    void anUnavailableEtcdIsAskedAgainUntilTheBoundIsSpent() {
        ManualClock clock = new ManualClock();
        AtomicInteger attempts = new AtomicInteger();
        var e = assertThrows(
                DiscoveryException.class,
                () -> Calls.retrying(
                        () -> {
                            attempts.incrementAndGet();
                            clock.advance(Duration.ofSeconds(4)); // each attempt takes 4 s
                            return CompletableFuture.failedFuture(Status.UNAVAILABLE
                                    .withDescription("io exception")
                                    .asRuntimeException());
                        },
                        Duration.ofSeconds(10),
                        "Listing v1/instances/",
                        clock));
        assertEquals(3, attempts.get(), "at 4 s and 8 s there was time left; at 12 s there was none");
        assertTrue(
                e.getMessage().startsWith("Listing v1/instances/ (tried for 10 s): UNAVAILABLE: io exception"),
                e.getMessage());
    }

    @Test
    void anAnswerWithinTheBoundIsTheResult() {
        ManualClock clock = new ManualClock();
        AtomicInteger attempts = new AtomicInteger();
        String result = Calls.retrying(
                () -> attempts.incrementAndGet() == 1
                        ? CompletableFuture.failedFuture(Status.UNAVAILABLE.asRuntimeException())
                        : CompletableFuture.completedFuture("ok"),
                Duration.ofSeconds(10),
                "Listing",
                clock);
        assertEquals("ok", result);
        assertEquals(2, attempts.get());
    }
}
