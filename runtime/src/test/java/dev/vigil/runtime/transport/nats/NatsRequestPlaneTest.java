package dev.vigil.runtime.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.transport.RequestPlaneException;
import dev.vigil.testing.FreePort;

/** What needs no nats-server: failing to connect, and the settings. */
class NatsRequestPlaneTest {

    @Test
    void connectingToNothingFailsFastNamingTheUrl() {
        String url = "nats://127.0.0.1:" + FreePort.next();
        long start = System.nanoTime();
        RequestPlaneException e = assertThrows(
                RequestPlaneException.class, () -> NatsRequestPlane.connect(url, NatsPlaneSettings.defaults()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(e.getMessage().contains(url), e.getMessage());
        // A refused connection is known at once; the connect timeout bounds the worst case, and
        // twice it leaves room for a loaded machine.
        assertTrue(
                took.compareTo(NatsRequestPlane.CONNECTION_TIMEOUT.multipliedBy(2)) < 0,
                "took " + took.toMillis() + " ms");
    }

    @Test
    void anInvalidUrlIsRejectedNamingIt() {
        RequestPlaneException e = assertThrows(
                RequestPlaneException.class,
                () -> NatsRequestPlane.connect("nats://[not a host", NatsPlaneSettings.defaults()));
        assertTrue(e.getMessage().contains("nats://[not a host"), e.getMessage());
    }

    @Test
    void defaults() {
        NatsPlaneSettings settings = NatsPlaneSettings.defaults();
        assertEquals(Duration.ofMillis(250), settings.heartbeatInterval());
        assertEquals(Duration.ofSeconds(1), settings.silenceTimeout());
        assertEquals(Duration.ofSeconds(2), settings.ackTimeout());
        assertEquals(
                Duration.ofMillis(500),
                settings.withSilenceTimeout(Duration.ofMillis(500)).silenceTimeout());
    }

    @Test
    void settingsThatWouldDeclareLiveStreamsDeadAreRejected() {
        NatsPlaneSettings defaults = NatsPlaneSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> defaults.withSilenceTimeout(Duration.ofMillis(250)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withHeartbeatInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> defaults.withAckTimeout(Duration.ofMillis(-1)));
    }
}
