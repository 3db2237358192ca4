package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.vigil.frontend.api.CompletionRequest.Kind;
import dev.vigil.frontend.api.OpenAiResponses.Choice;
import dev.vigil.frontend.api.OpenAiResponses.Completion;
import dev.vigil.frontend.api.OpenAiResponses.Message;
import dev.vigil.frontend.api.OpenAiResponses.Usage;

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

    /** Every body and chunk shape, written field by field, equals what the mapper writes from the records. */
    @Test
    void directlyWrittenBodiesEqualTheMappersOwn() throws Exception {
        assertTrue(OpenAiResponses.writesDirectly(JSON));
        List<String> reasons = java.util.Arrays.asList(null, "stop", "length", "cancelled");
        for (String piece : PIECES) {
            for (String reason : reasons) {
                List<Choice> choices = List.of(
                        new Choice(0, new Message("assistant", piece), null, null, null, reason),
                        new Choice(0, null, new Message(null, piece), null, null, reason),
                        new Choice(0, null, new Message("assistant", null), null, null, reason),
                        new Choice(0, null, new Message(null, null), null, null, reason),
                        new Choice(0, null, null, piece, null, reason));
                for (Choice choice : choices) {
                    for (Usage usage : java.util.Arrays.asList(null, Usage.of(7, 1))) {
                        Completion completion = new Completion(
                                "cmpl-" + piece,
                                "text_completion",
                                1_700_000_000L,
                                "m " + piece,
                                List.of(choice),
                                usage);
                        assertEquals(
                                JSON.writeValueAsString(completion), OpenAiResponses.writeDirect(JSON, completion));
                    }
                }
            }
            Completion usageOnly = new Completion("id", "chat.completion.chunk", 0, null, List.of(), Usage.of(3, 0));
            assertEquals(JSON.writeValueAsString(usageOnly), OpenAiResponses.writeDirect(JSON, usageOnly));
        }
    }

    /** The public shapes through the responses object, for both kinds: whole, first, last and usage chunks. */
    @Test
    void wholeAndEdgeChunksEqualTheMappersOwnForBothKinds() throws Exception {
        for (Kind kind : Kind.values()) {
            OpenAiResponses responses = new OpenAiResponses(JSON, kind, "req-1", "mock-model", 1234);
            for (String piece : PIECES) {
                String whole = responses.whole(piece, "stop", Usage.of(5, 2));
                boolean chat = kind == Kind.CHAT;
                Completion expected = new Completion(
                        chat ? "chatcmpl-req-1" : "cmpl-req-1",
                        chat ? "chat.completion" : "text_completion",
                        1234,
                        "mock-model",
                        List.of(
                                chat
                                        ? new Choice(0, new Message("assistant", piece), null, null, null, "stop")
                                        : new Choice(0, null, null, piece, null, "stop")),
                        Usage.of(5, 2));
                assertEquals(JSON.writeValueAsString(expected), whole);
                assertEquals(responses.writeChunk(piece, null, true), responses.chunk(piece, null, true));
            }
        }
    }

    /**
     * A mapper that names the records' fields otherwise is not bypassed: its own bytes go out. (An
     * indenting one is honoured by the direct writer too: it uses the mapper's generator set-up.)
     */
    @Test
    void aMapperConfiguredOtherwiseIsUsedAsItIs() throws Exception {
        ObjectMapper renaming = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
                .build();
        assertFalse(OpenAiResponses.writesDirectly(renaming));
        Completion expected = new Completion(
                "cmpl-r",
                "text_completion",
                1,
                "m",
                List.of(new Choice(0, null, null, "x", null, "stop")),
                Usage.of(1, 1));
        assertEquals(
                renaming.writeValueAsString(expected),
                new OpenAiResponses(renaming, Kind.COMPLETION, "r", "m", 1).whole("x", "stop", Usage.of(1, 1)));
        ObjectMapper indented =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        assertEquals(
                indented.writeValueAsString(expected),
                new OpenAiResponses(indented, Kind.COMPLETION, "r", "m", 1).whole("x", "stop", Usage.of(1, 1)));
        // The plain mapper again: the check follows the mapper in use.
        assertTrue(OpenAiResponses.writesDirectly(JSON));
    }
}
