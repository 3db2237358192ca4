package dev.vigil.worker.engine.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Server-sent events parsed as the bytes arrive: the {@code data} of each event goes to the consumer
 * once its blank line came. Lines are split on their bytes ({@code \n}, {@code \r\n} or {@code
 * \r}) and only complete lines are decoded, so a UTF-8 character cut between two network chunks is
 * decoded whole: a line break byte never occurs inside a multi-byte character. Comments ({@code :})
 * and fields other than {@code data} are ignored. Not thread-safe: one stream, one thread.
 */
final class SseParser {

    /** An event's data may not grow beyond this: an engine streaming garbage must not exhaust memory. */
    static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final Consumer<String> events;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean afterCr;

    SseParser(Consumer<String> events) {
        this.events = events;
    }

    /** Feeds the next bytes of the stream. */
    void feed(byte[] bytes) {
        for (byte b : bytes) {
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue; // the \n of a \r\n
                }
            }
            if (b == '\n' || b == '\r') {
                afterCr = b == '\r';
                line(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                if (line.size() >= MAX_EVENT_BYTES) {
                    throw new IllegalStateException("an event line longer than " + MAX_EVENT_BYTES + " bytes");
                }
                line.write(b);
            }
        }
    }

    /** Whether bytes of an unfinished line or event are waiting (the stream was cut mid-event). */
    boolean pending() {
        return line.size() > 0 || hasData;
    }

    private void line(String text) {
        if (text.isEmpty()) {
            if (hasData) {
                String event = data.toString();
                data.setLength(0);
                hasData = false;
                events.accept(event);
            }
            return;
        }
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        if (!field.equals("data")) {
            return;
        }
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (hasData) {
            data.append('\n');
        }
        if (data.length() + value.length() > MAX_EVENT_BYTES) {
            throw new IllegalStateException("an event longer than " + MAX_EVENT_BYTES + " bytes");
        }
        data.append(value);
        hasData = true;
    }
}
