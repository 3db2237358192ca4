package dev.vigil.runtime.transport.nats;

import java.nio.charset.StandardCharsets;

import io.nats.client.Message;
import io.nats.client.impl.Headers;

import dev.vigil.runtime.transport.Control;
import dev.vigil.runtime.transport.ErrorKind;

/**
 * How the wire protocol is spelled: header names and values. The protocol itself is defined in this
 * package's documentation ({@code package-info.java}); this class only keeps the spelling in one
 * place.
 */
final class NatsWire {

    /** On a request: the caller's request id (kept across retries; for logs and the handler). */
    static final String REQUEST_ID = "Vigil-Request-Id";
    /** On every frame from the serving side: its kind, one of the {@code FRAME_*} values. */
    static final String FRAME = "Vigil-Frame";
    /** On data frames: the frame's number from 0; on end and error frames: how many data frames came. */
    static final String SEQ = "Vigil-Seq";
    /** On a control message: {@code stop} or {@code kill}. */
    static final String CONTROL = "Vigil-Control";

    /**
     * On an error frame: {@code engine} when the worker's engine failed (migratable), {@code busy} when
     * it had no room for the request (try another worker); absent otherwise.
     */
    static final String ERROR_KIND = "Vigil-Error";

    static final String ERROR_KIND_ENGINE = "engine";
    static final String ERROR_KIND_BUSY = "busy";

    /** The {@link #ERROR_KIND} header value for an error of this kind; null for a plain one. */
    static String errorKindHeader(ErrorKind kind) {
        return switch (kind) {
            case REQUEST -> null;
            case ENGINE -> ERROR_KIND_ENGINE;
            case BUSY -> ERROR_KIND_BUSY;
        };
    }

    /** The error kind an error frame's header says; a plain error when absent or unknown. */
    static ErrorKind errorKind(String header) {
        return ERROR_KIND_ENGINE.equals(header)
                ? ErrorKind.ENGINE
                : ERROR_KIND_BUSY.equals(header) ? ErrorKind.BUSY : ErrorKind.REQUEST;
    }

    static final String FRAME_ACK = "ack";
    static final String FRAME_DATA = "data";
    static final String FRAME_HEARTBEAT = "hb";
    static final String FRAME_END = "end";
    static final String FRAME_ERROR = "error";

    /** nats-server's status for a message with a reply subject that nobody subscribes to. */
    static final int NO_RESPONDERS = 503;

    static final byte[] EMPTY = new byte[0];

    private NatsWire() {}

    static Headers frame(String kind) {
        return new Headers().put(FRAME, kind);
    }

    static Headers frame(String kind, long seq) {
        return new Headers().put(FRAME, kind).put(SEQ, Long.toString(seq));
    }

    static Headers control(Control control, String requestId) {
        return new Headers().put(CONTROL, controlValue(control)).put(REQUEST_ID, requestId);
    }

    static String controlValue(Control control) {
        return control == Control.STOP ? "stop" : "kill";
    }

    /** The control a message asks for, or null if it is not a control message we know. */
    static Control parseControl(Message message) {
        String value = header(message, CONTROL);
        if ("stop".equals(value)) {
            return Control.STOP;
        }
        if ("kill".equals(value)) {
            return Control.KILL;
        }
        return null;
    }

    static boolean isNoResponders(Message message) {
        return message.isStatusMessage() && message.getStatus().getCode() == NO_RESPONDERS;
    }

    /** An error frame's message (its body, UTF-8). */
    static String text(Message message) {
        byte[] data = message.getData();
        return data == null || data.length == 0 ? "request failed" : new String(data, StandardCharsets.UTF_8);
    }

    static String header(Message message, String name) {
        return message.hasHeaders() ? message.getHeaders().getFirst(name) : null;
    }

    /** The sequence header, or -1 when absent or malformed (which never matches what is expected). */
    static long seq(Message message) {
        String value = header(message, SEQ);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
