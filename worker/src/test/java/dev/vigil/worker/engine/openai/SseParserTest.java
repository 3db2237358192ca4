package dev.vigil.worker.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Events come out whole and UTF-8 intact, however the network cuts the bytes. */
class SseParserTest {

    private static final String STREAM = ": keep-alive comment\n"
            + "data: {\"text\":\"héllo 日本語 🙂\"}\n\n"
            + "event: message\r\n"
            + "data: first line\r\n"
            + "data:second line\r\n\r\n"
            + "data: [DONE]\n\n";

    private static final List<String> EVENTS =
            List.of("{\"text\":\"héllo 日本語 🙂\"}", "first line\nsecond line", "[DONE]");

    @Test
    void everyCutOfTheBytesGivesTheSameEvents() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<String> events = new ArrayList<>();
            SseParser parser = new SseParser(events::add);
            parser.feed(Arrays.copyOfRange(bytes, 0, cut));
            parser.feed(Arrays.copyOfRange(bytes, cut, bytes.length));
            assertEquals(EVENTS, events, "cut at byte " + cut);
            assertFalse(parser.pending());
        }
    }

    @Test
    void oneByteAtATimeGivesTheSameEvents() {
        List<String> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
            parser.feed(new byte[] {b});
        }
        assertEquals(EVENTS, events);
    }

    @Test
    void anUnfinishedEventIsPendingNotDelivered() {
        List<String> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed("data: {\"text\":\"cut of".getBytes(StandardCharsets.UTF_8));
        assertTrue(parser.pending());
        assertEquals(List.of(), events);
    }
}
