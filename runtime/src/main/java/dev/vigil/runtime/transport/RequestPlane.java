package dev.vigil.runtime.transport;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.vigil.runtime.discovery.Subscription;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.InstanceId;
import dev.vigil.runtime.model.Transport;

/**
 * Moves requests to endpoint instances and their response streams back, and carries events. One per
 * process (with NATS, one connection to nats-server; with TCP, one listener and one connection per
 * peer).
 *
 * <p>An endpoint instance is addressed by a string the plane chooses ({@link #transport}): a NATS
 * subject, or a TCP {@code host:port/id/endpoint}. The serving process publishes it in discovery;
 * callers pass it back to {@link #call}.
 *
 * <p>Streams have an explicit end, so a caller tells a finished stream from a broken one: a stream
 * that goes silent (no data and no heartbeat) for longer than the plane's silence timeout fails with
 * {@link StreamError.Disconnected}, which is how a worker killed mid-stream is noticed within about a
 * second rather than at lease expiry.
 */
public interface RequestPlane extends AutoCloseable {

    /**
     * How this plane addresses {@code endpoint} served by the process {@code id}: what the process
     * publishes in discovery and serves with {@link #serve}. The TCP plane starts listening here if
     * it is not listening yet, so its port is known.
     *
     * @throws RequestPlaneException when the plane cannot serve (its port cannot be bound)
     */
    Transport transport(EndpointId endpoint, InstanceId id);

    /**
     * Starts serving {@code subject} (an address from {@link #transport}) with {@code handler}. Returns once the plane accepts requests
     * for it, so the caller can then mark the endpoint served and register it in discovery.
     */
    ServedEndpoint serve(String subject, RequestHandler handler);

    /**
     * Sends one request and streams its responses to {@code observer}. Never blocks on the worker.
     *
     * @param subject the instance's address, from its discovery value ({@code Instance.address()})
     * @param requestId the caller's id, kept across retries of the same request
     */
    ResponseStream call(String subject, String requestId, byte[] payload, ResponseObserver observer);

    /**
     * As {@link #call(String, String, byte[], ResponseObserver)}, with the observer called through
     * {@code callbacks} (still one call at a time, in order, never on the receiving thread's stack)
     * instead of the plane's own pool. A caller that answers on an event loop passes that loop: each
     * frame then costs one thread hand-off instead of two (plane pool, then the event loop).
     * {@code callbacks} must not run tasks inline. Planes that cannot honour it ignore it.
     */
    default ResponseStream call(
            String subject, String requestId, byte[] payload, ResponseObserver observer, Executor callbacks) {
        return call(subject, requestId, payload, observer);
    }

    /**
     * The largest request body {@link #call} can carry (NATS: the server's {@code max_payload}, less
     * room for the request's headers). Callers check it before sending: a body the plane cannot
     * carry is the sender's problem, not the receiver's, and must not look like an unreachable worker.
     */
    default long maxPayloadBytes() {
        return Long.MAX_VALUE;
    }

    /**
     * Bytes of response data this plane's calls hold now for observers that have not taken them
     * (streams paused because their client stopped reading, or waiting for their turn): the
     * caller's memory that flow control bounds. Each stream holds at most {@code
     * ObserverChannel.DEFAULT_MAX_HELD_BYTES}; on the TCP plane at most its credit window.
     */
    default long heldBytes() {
        return 0;
    }

    /**
     * Tasks this plane's bounded pool refused because every thread was busy and its queue full
     * ({@code PlaneExecutor}), and events dropped because a subscription's handler fell too far
     * behind: each was answered (a served request as busy) or dropped, never queued without bound.
     */
    default long rejectedTasks() {
        return 0;
    }

    /** Publishes an event (fire and forget), such as a worker's load. */
    void publish(String subject, byte[] payload);

    /** Receives events published on {@code subject}. */
    Subscription subscribe(String subject, Consumer<byte[]> handler);

    /** Whether the plane is connected now (for health reporting). */
    boolean connected();

    @Override
    void close();
}
