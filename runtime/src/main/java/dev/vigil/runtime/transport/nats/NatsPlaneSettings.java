package dev.vigil.runtime.transport.nats;

import java.time.Duration;
import java.util.Objects;

import dev.vigil.runtime.time.Clock;

/**
 * The timings of the NATS request plane. They decide how fast a broken stream is noticed, so both
 * ends of a call should use the same values: the serving side heartbeats every {@code
 * heartbeatInterval}, and the calling side gives up on a stream after {@code silenceTimeout} without
 * any frame.
 *
 * @param heartbeatInterval how often the serving side sends a heartbeat frame for each request in
 *     flight, so a slow worker is told from a dead one
 * @param silenceTimeout how long an acknowledged stream may go without any frame before it fails
 *     with {@code StreamError.Disconnected}; must exceed the heartbeat interval (several heartbeats
 *     may be late before a live stream is declared dead)
 * @param ackTimeout how long a request may wait for its acknowledgement before it fails with {@code
 *     StreamError.CannotConnect}; usually "nobody there" is known much sooner, from NATS' no
 *     responders status
 * @param clock what the calling side measures these timeouts with ({@link Clock#SYSTEM} unless a test
 *     drives time itself)
 */
public record NatsPlaneSettings(Duration heartbeatInterval, Duration silenceTimeout, Duration ackTimeout, Clock clock) {

    /** Timings measured on {@link Clock#SYSTEM}. */
    public NatsPlaneSettings(Duration heartbeatInterval, Duration silenceTimeout, Duration ackTimeout) {
        this(heartbeatInterval, silenceTimeout, ackTimeout, Clock.SYSTEM);
    }

    public NatsPlaneSettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(silenceTimeout, "silenceTimeout");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        requirePositive("heartbeatInterval", heartbeatInterval);
        requirePositive("silenceTimeout", silenceTimeout);
        requirePositive("ackTimeout", ackTimeout);
        if (silenceTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("silenceTimeout (" + silenceTimeout.toMillis()
                    + " ms) must be longer than heartbeatInterval (" + heartbeatInterval.toMillis()
                    + " ms), or every live stream would be declared dead");
        }
    }

    /** Heartbeat every 250 ms, silence timeout 1 s (four missed heartbeats), acknowledgement within 2 s. */
    public static NatsPlaneSettings defaults() {
        return new NatsPlaneSettings(Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    public NatsPlaneSettings withHeartbeatInterval(Duration value) {
        return new NatsPlaneSettings(value, silenceTimeout, ackTimeout, clock);
    }

    public NatsPlaneSettings withSilenceTimeout(Duration value) {
        return new NatsPlaneSettings(heartbeatInterval, value, ackTimeout, clock);
    }

    public NatsPlaneSettings withAckTimeout(Duration value) {
        return new NatsPlaneSettings(heartbeatInterval, silenceTimeout, value, clock);
    }

    public NatsPlaneSettings withClock(Clock value) {
        return new NatsPlaneSettings(heartbeatInterval, silenceTimeout, ackTimeout, value);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
