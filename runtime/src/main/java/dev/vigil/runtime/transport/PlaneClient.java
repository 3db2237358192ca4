package dev.vigil.runtime.transport;

import java.util.concurrent.Executor;

/**
 * The calling side of a request plane (Dynamo's egress): what a process that sends requests to
 * endpoint instances uses, and all it needs. It is separate from {@link PlaneServer} because the two
 * sides meet only on the wire: a frontend calls and serves nothing, a worker serves, and code that
 * only calls should not be able to serve (or see how serving is addressed).
 *
 * <p>Streams have an explicit end, so a caller tells a finished stream from a broken one: a stream
 * that goes silent (no data and no heartbeat) for longer than the plane's silence timeout fails with
 * {@link StreamError.Disconnected}, which is how a worker killed mid-stream is noticed within about a
 * second rather than at lease expiry.
 */
public interface PlaneClient extends PlaneStatus {

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
}
