package dev.vigil.runtime.transport.tcp;

import java.util.concurrent.Executor;

import dev.vigil.runtime.transport.ErrorKind;
import dev.vigil.runtime.transport.support.ServedRequest;

/** The serving side of one request on the TCP plane: its frames go back on the connection it came on. */
final class TcpServedRequest extends ServedRequest {

    private final TcpServerConnection connection;
    private final TcpEndpoint endpoint;
    private final long stream;

    TcpServedRequest(
            TcpServerConnection connection,
            TcpEndpoint endpoint,
            long stream,
            String requestId,
            byte[] payload,
            Executor pool) {
        super(requestId, payload, pool);
        this.connection = connection;
        this.endpoint = endpoint;
        this.stream = stream;
    }

    long stream() {
        return stream;
    }

    TcpEndpoint endpoint() {
        return endpoint;
    }

    synchronized void acknowledge() {
        connection.write(TcpWire.control(TcpWire.ACK, stream));
    }

    @Override
    protected void emitData(long seq, byte[] data) {
        connection.write(TcpWire.data(stream, seq, data));
    }

    @Override
    protected void emitEnd(long count) {
        connection.write(TcpWire.end(TcpWire.END, stream, count, null));
    }

    @Override
    protected void emitError(long count, String message, ErrorKind kind) {
        connection.write(TcpWire.end(TcpWire.errorFrame(kind), stream, count, message));
    }

    @Override
    protected void onEnd() {
        connection.ended(this);
        endpoint.ended();
    }
}
