package dev.vigil.runtime.transport.tcp;

import java.time.Duration;
import java.util.Objects;

import dev.vigil.runtime.time.Clock;

/**
 * The direct TCP plane's listener and timings. The timings mean what they mean on the NATS plane, so
 * a stream is declared dead by the same rule on both: the serving side heartbeats every {@code
 * heartbeatInterval} on every connection with requests in flight, and the calling side gives up on
 * an acknowledged stream after {@code silenceTimeout} without any frame on its connection. A
 * connection that closes ends its streams at once, without waiting for the silence.
 *
 * @param host {@code DYN_TCP_RPC_HOST}: the address to listen on and to publish; a wildcard ({@code
 *     0.0.0.0}, the default) listens everywhere and publishes this machine's own address
 * @param port {@code DYN_TCP_RPC_PORT}: the port to listen on; 0 (the default) takes a free one,
 *     which is what gets published
 * @param heartbeatInterval how often the serving side proves it is alive while requests are in flight
 * @param silenceTimeout how long an acknowledged stream may hear nothing on its connection before it
 *     fails with {@code StreamError.Disconnected}; must exceed the heartbeat interval
 * @param ackTimeout how long a request may wait for its acknowledgement before it fails with {@code
 *     StreamError.CannotConnect}; "nobody serves that" and "nobody listens there" are known sooner
 * @param clock what the calling side measures these timeouts with, and its event loops' lag ({@link
 *     Clock#SYSTEM} unless a test drives time itself)
 */
public record TcpPlaneSettings(
        String host, int port, Duration heartbeatInterval, Duration silenceTimeout, Duration ackTimeout, Clock clock) {

    public static final String WILDCARD = "0.0.0.0";

    /** Settings measured on {@link Clock#SYSTEM}. */
    public TcpPlaneSettings(
            String host, int port, Duration heartbeatInterval, Duration silenceTimeout, Duration ackTimeout) {
        this(host, port, heartbeatInterval, silenceTimeout, ackTimeout, Clock.SYSTEM);
    }

    public TcpPlaneSettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(silenceTimeout, "silenceTimeout");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        requirePositive("heartbeatInterval", heartbeatInterval);
        requirePositive("silenceTimeout", silenceTimeout);
        requirePositive("ackTimeout", ackTimeout);
        if (silenceTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("silenceTimeout (" + silenceTimeout.toMillis()
                    + " ms) must be longer than heartbeatInterval (" + heartbeatInterval.toMillis()
                    + " ms), or every live stream would be declared dead");
        }
    }

    /**
     * Listen on all interfaces on a free port; heartbeat every 250 ms, silence timeout 1 s,
     * acknowledgement within 2 s (the NATS plane's timings).
     */
    public static TcpPlaneSettings defaults() {
        return new TcpPlaneSettings(WILDCARD, 0, Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    public TcpPlaneSettings withListener(String host, int port) {
        return new TcpPlaneSettings(host, port, heartbeatInterval, silenceTimeout, ackTimeout, clock);
    }

    public TcpPlaneSettings withSilenceTimeout(Duration value) {
        return new TcpPlaneSettings(host, port, heartbeatInterval, value, ackTimeout, clock);
    }

    public TcpPlaneSettings withAckTimeout(Duration value) {
        return new TcpPlaneSettings(host, port, heartbeatInterval, silenceTimeout, value, clock);
    }

    public TcpPlaneSettings withClock(Clock value) {
        return new TcpPlaneSettings(host, port, heartbeatInterval, silenceTimeout, ackTimeout, value);
    }

    /** Whether {@link #host} listens everywhere (and so says nothing about where to reach it). */
    public boolean wildcardHost() {
        return host.equals(WILDCARD) || host.equals("::") || host.equals("[::]") || host.isBlank();
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
