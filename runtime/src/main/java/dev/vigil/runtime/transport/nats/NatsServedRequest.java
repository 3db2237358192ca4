package dev.vigil.runtime.transport.nats;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

import io.nats.client.impl.Headers;

import dev.vigil.runtime.transport.ErrorKind;
import dev.vigil.runtime.transport.support.ServedRequest;

/**
 * The serving side of one request on NATS: its frames go to the caller's reply subject, each naming
 * this request's control subject as its reply-to, so control messages, and nats-server's "no
 * responders" when the caller's inbox has gone, come back to this request.
 */
final class NatsServedRequest extends ServedRequest {

    private final NatsServing plane;
    private final NatsEndpoint endpoint;
    private final String key;
    private final String replySubject;
    private final String controlSubject;

    NatsServedRequest(
            NatsServing plane,
            NatsEndpoint endpoint,
            String key,
            String requestId,
            byte[] payload,
            String replySubject,
            String controlSubject,
            Executor pool) {
        super(requestId, payload, pool);
        this.plane = plane;
        this.endpoint = endpoint;
        this.key = key;
        this.replySubject = replySubject;
        this.controlSubject = controlSubject;
    }

    String key() {
        return key;
    }

    String subject() {
        return endpoint.subject();
    }

    synchronized void acknowledge() {
        plane.sendFrame(replySubject, controlSubject, NatsWire.frame(NatsWire.FRAME_ACK), NatsWire.EMPTY);
    }

    /** Under the lock, so no heartbeat follows the end frame from this side. */
    synchronized void heartbeat() {
        if (!ended()) {
            plane.sendFrame(replySubject, controlSubject, NatsWire.frame(NatsWire.FRAME_HEARTBEAT), NatsWire.EMPTY);
        }
    }

    @Override
    protected void emitData(long seq, byte[] data) {
        plane.sendFrame(replySubject, controlSubject, NatsWire.frame(NatsWire.FRAME_DATA, seq), data);
    }

    @Override
    protected void emitEnd(long count) {
        plane.sendFrame(replySubject, controlSubject, NatsWire.frame(NatsWire.FRAME_END, count), NatsWire.EMPTY);
    }

    @Override
    protected void emitError(long count, String message, ErrorKind kind) {
        Headers headers = NatsWire.frame(NatsWire.FRAME_ERROR, count);
        String header = NatsWire.errorKindHeader(kind);
        if (header != null) {
            headers.put(NatsWire.ERROR_KIND, header);
        }
        plane.sendFrame(replySubject, controlSubject, headers, message.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void onEnd() {
        plane.served(this);
        endpoint.ended();
    }
}
