package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.vigil.frontend.api.CompletionRequest.Kind;

/** The per-token chunk is cut from a template; it must stay byte for byte what the mapper writes. */
class OpenAiResponsesTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final List<String> PIECES = List.of(
            "",
            "hello",
            " world",
            "quote \" backslash \\ slash /",
            "new\nline\ttab\r\u0000\u0001\u001f",
            "unicode é ü 漢字 \u2028\u2029",
            "emoji \uD83D\uDE00",
            "\u0001piece\u0001",
            "</script>");

    @Test
    void tokenChunksEqualTheMappersOwnForBothKinds() {
        for (Kind kind : Kind.values()) {
            // A model name and id that look like the template's mark must not confuse the cut.
            OpenAiResponses responses =
                    new OpenAiResponses(JSON, kind, "req-\u0001piece\u0001", "m \"\u0001piece\u0001\"", 1234);
            for (String piece : PIECES) {
                assertEquals(responses.writeChunk(piece, null, false), responses.chunk(piece, null, false), piece);
            }
        }
    }
}
