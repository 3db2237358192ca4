package dev.vigil.runtime.transport.tcp;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

import dev.vigil.runtime.transport.ErrorKind;

/**
 * How the TCP plane's frames are spelled: kinds and layouts. The protocol itself is defined in this
 * package's documentation ({@code package-info.java}); this class keeps the byte layout in one place.
 *
 * <p>Every frame is {@code u32 length} (of what follows), {@code u8 kind}, {@code u64 stream}, then
 * the kind's body. Integers are big-endian; strings are UTF-8 with a {@code u16} length.
 */
final class TcpWire {

    // Caller to server.
    static final byte REQUEST = 1;
    static final byte STOP = 2;
    static final byte KILL = 3;
    static final byte SUBSCRIBE = 4;
    static final byte UNSUBSCRIBE = 5;
    /** Flow control: the caller took this many more bytes of the stream's data (u64). */
    static final byte CREDIT = 6;

    // Server to caller.
    static final byte ACK = 16;
    static final byte DATA = 17;
    static final byte END = 18;
    static final byte ERROR = 19;
    static final byte REJECT = 20;
    static final byte HEARTBEAT = 21;
    static final byte EVENT = 22;
    static final byte SUBSCRIBED = 23;
    /** As {@link #ERROR}, for a request the worker's engine failed: the caller may migrate it. */
    static final byte ENGINE_ERROR = 24;
    /** As {@link #ERROR}, for a request the worker's engine had no room for: the caller tries another. */
    static final byte BUSY_ERROR = 25;

    /** The end frame's kind for an error of this kind. */
    static byte errorFrame(ErrorKind kind) {
        return switch (kind) {
            case REQUEST -> ERROR;
            case ENGINE -> ENGINE_ERROR;
            case BUSY -> BUSY_ERROR;
        };
    }

    /** The error kind an end frame of this kind carries. */
    static ErrorKind errorKind(byte frame) {
        return frame == ENGINE_ERROR ? ErrorKind.ENGINE : frame == BUSY_ERROR ? ErrorKind.BUSY : ErrorKind.REQUEST;
    }

    /** Kind and stream: the part of every frame after its length. */
    static final int HEADER = 1 + 8;
    /** The largest frame either side accepts; a peer that announces a larger one is cut off. */
    static final int MAX_FRAME = 64 * 1024 * 1024;
    /**
     * The credit every stream starts with, in bytes of data-frame payload: a server sends a stream's
     * data only while the bytes sent stay below the bytes granted (this, plus every {@link #CREDIT}),
     * and holds the rest, which pauses its engine. A fixed part of the protocol, as HTTP/2's initial
     * window is, so no round trip is needed before the first token.
     */
    static final int INITIAL_WINDOW = 64 * 1024;
    /** Room kept below {@link #MAX_FRAME} for a request's header fields. */
    static final int REQUEST_ROOM = 64 * 1024;

    private TcpWire() {}

    static Buffer request(long stream, String key, String requestId, byte[] payload) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] id = requestId.getBytes(StandardCharsets.UTF_8);
        return start(REQUEST, stream, 2 + k.length + 2 + id.length + payload.length)
                .appendShort((short) k.length)
                .appendBytes(k)
                .appendShort((short) id.length)
                .appendBytes(id)
                .appendBytes(payload);
    }

    static Buffer control(byte kind, long stream) {
        return start(kind, stream, 0);
    }

    static Buffer credit(long stream, long bytes) {
        return start(CREDIT, stream, 8).appendLong(bytes);
    }

    static Buffer subscribe(long subscription, String pattern) {
        byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
        return start(SUBSCRIBE, subscription, p.length).appendBytes(p);
    }

    static Buffer data(long stream, long seq, byte[] payload) {
        return start(DATA, stream, 8 + payload.length).appendLong(seq).appendBytes(payload);
    }

    /** {@code END} or an error ({@code ERROR}, {@code ENGINE_ERROR}, {@code BUSY_ERROR}): how many data frames came, and for an error why. */
    static Buffer end(byte kind, long stream, long count, String message) {
        byte[] m = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        return start(kind, stream, 8 + m.length).appendLong(count).appendBytes(m);
    }

    static Buffer reject(long stream, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return start(REJECT, stream, m.length).appendBytes(m);
    }

    static Buffer event(long subscription, String subject, byte[] payload) {
        byte[] s = subject.getBytes(StandardCharsets.UTF_8);
        return start(EVENT, subscription, 2 + s.length + payload.length)
                .appendShort((short) s.length)
                .appendBytes(s)
                .appendBytes(payload);
    }

    private static Buffer start(byte kind, long stream, int bodyLength) {
        int length = HEADER + bodyLength;
        return Buffer.buffer(4 + length).appendInt(length).appendByte(kind).appendLong(stream);
    }

    // Reading: a frame as the parser hands it over, without its length field.

    static byte kind(Buffer frame) {
        return frame.getByte(0);
    }

    static long stream(Buffer frame) {
        return frame.getLong(1);
    }

    /** A u64 at the start of the body (a sequence number or a count). */
    static long number(Buffer frame) {
        return frame.getLong(HEADER);
    }

    /** The body from {@code offset} (from the start of the body) to the end, as bytes. */
    static byte[] rest(Buffer frame, int offset) {
        return frame.getBytes(HEADER + offset, frame.length());
    }

    static String text(Buffer frame, int offset) {
        return frame.getString(HEADER + offset, frame.length(), "UTF-8");
    }

    /** A u16-length string at {@code offset} of the body; returns it and where the next field starts. */
    static String string(Buffer frame, int offset, int[] next) {
        int length = frame.getUnsignedShort(HEADER + offset);
        int from = HEADER + offset + 2;
        next[0] = offset + 2 + length;
        return frame.getString(from, from + length, "UTF-8");
    }
}
