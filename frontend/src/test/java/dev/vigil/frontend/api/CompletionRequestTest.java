package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.frontend.api.CompletionRequest.Kind;
import dev.vigil.frontend.config.ErrorBodyFormat;

class CompletionRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CompletionRequest parse(Kind kind, String body) throws Exception {
        return CompletionRequest.parse(kind, JSON.readTree(body));
    }

    @Test
    void chatRequestIsRenderedWithTheTemplate() throws Exception {
        CompletionRequest r = parse(
                Kind.CHAT,
                """
                {"model":"mock-model","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"Hi"},{"type":"text","text":" there"}]}],
                 "max_tokens":20,"stream":true,"stream_options":{"include_usage":true},"stop":["\\n\\n"]}""");
        assertEquals("mock-model", r.model());
        assertEquals("<|system|>\nBe brief.\n<|user|>\nHi there\n<|assistant|>\n", r.prompt());
        assertEquals(20, r.maxTokens());
        assertTrue(r.stream());
        assertTrue(r.includeUsage());
        assertEquals(List.of("\n\n"), r.stop());
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() throws Exception {
        CompletionRequest r = parse(
                Kind.CHAT,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5,\"max_completion_tokens\":7}");
        assertEquals(7, r.maxTokens());
    }

    @Test
    void completionPromptAndDefaults() throws Exception {
        CompletionRequest r = parse(Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":\"Once upon\"}");
        assertEquals("Once upon", r.prompt());
        assertNull(r.maxTokens());
        assertFalse(r.stream());
        assertEquals(List.of(), r.stop());
        assertEquals(
                "Once",
                parse(Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":[\"Once\"]}")
                        .prompt());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "CHAT|[]|Request body must be a JSON object",
                "CHAT|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|Field 'model' is required and must be a non-empty string",
                "CHAT|{\"model\":\"\",\"messages\":[]}|Field 'model' is required and must be a non-empty string",
                "CHAT|{\"model\":\"m\"}|Field 'messages' is required and must be a non-empty array",
                "CHAT|{\"model\":\"m\",\"messages\":[]}|Field 'messages' is required and must be a non-empty array",
                "CHAT|{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}|messages[0].role must be one of assistant, developer, system, tool, user",
                "CHAT|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}|messages[0].content must be a string or an array of text parts",
                "CHAT|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}|Field 'max_tokens' must be an integer of at least 1",
                "CHAT|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":\"5\"}|Field 'max_tokens' must be an integer of at least 1",
                "CHAT|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}|Field 'stream' must be true or false",
                "CHAT|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}|Field 'n' must be 1: one choice per request is supported",
                "CHAT|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[1]}|Field 'stop' must be a string or an array of up to 4 non-empty strings",
                "COMPLETION|{\"model\":\"m\"}|Field 'prompt' is required and must be a string (or an array of one string)",
                "COMPLETION|{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}|Field 'prompt' is required and must be a string (or an array of one string)",
            })
    void badRequestsNameTheField(Kind kind, String body, String message) {
        ApiError e = assertThrows(ApiError.class, () -> parse(kind, body));
        assertEquals(400, e.status());
        assertEquals(message, e.getMessage());
        assertEquals(
                "{\"message\":\"" + message.replace("\"", "\\\"") + "\",\"type\":\"Bad Request\",\"code\":400}",
                e.toJson(ErrorBodyFormat.DYNAMO).toString());
    }

    static String rejection(Kind kind, String extraFields) {
        String base = kind == Kind.CHAT
                ? "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                : "{\"model\":\"m\",\"prompt\":\"x\",";
        ApiError e = assertThrows(ApiError.class, () -> parse(kind, base + extraFields + "}"));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    @Test
    void samplingParametersOutOfOpenAisRangesAre400NamingTheParameter() {
        assertEquals(
                "Field 'temperature' must be a number from 0 to 2, got 1.0E9",
                rejection(Kind.CHAT, "\"temperature\":1e9"));
        assertEquals(
                "Field 'temperature' must be a number from 0 to 2, got -1",
                rejection(Kind.COMPLETION, "\"temperature\":-1"));
        assertEquals("Field 'top_p' must be a number from 0 to 1, got 1.5", rejection(Kind.CHAT, "\"top_p\":1.5"));
        assertEquals(
                "Field 'frequency_penalty' must be a number from -2 to 2, got 3",
                rejection(Kind.CHAT, "\"frequency_penalty\":3"));
        assertEquals(
                "Field 'presence_penalty' must be a number from -2 to 2, got \"high\"",
                rejection(Kind.CHAT, "\"presence_penalty\":\"high\""));
        assertEquals(
                "Field 'top_logprobs' must be an integer from 0 to 20, got 99",
                rejection(Kind.CHAT, "\"logprobs\":true,\"top_logprobs\":99"));
        assertEquals("Field 'top_logprobs' requires 'logprobs' to be true", rejection(Kind.CHAT, "\"top_logprobs\":2"));
        assertEquals("Field 'logprobs' must be true or false", rejection(Kind.CHAT, "\"logprobs\":3"));
        assertEquals(
                "Field 'logprobs' must be an integer from 0 to 5, got 6", rejection(Kind.COMPLETION, "\"logprobs\":6"));
        assertTrue(rejection(Kind.COMPLETION, "\"best_of\":3").startsWith("Field 'best_of' must be 1"));
        assertEquals("Field 'seed' must be an integer, got 1.5", rejection(Kind.CHAT, "\"seed\":1.5"));
        assertEquals(
                "Field 'stream_options' must be an object",
                rejection(Kind.CHAT, "\"stream\":true,\"stream_options\":3"));

        assertTrue(
                rejection(Kind.CHAT, "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]").startsWith("Field 'stop'"));
        assertTrue(rejection(Kind.CHAT, "\"n\":2").startsWith("Field 'n' must be 1"));
    }

    @Test
    void samplingParametersInRangeAreAccepted() throws Exception {
        CompletionRequest r = parse(
                Kind.CHAT,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":0,"
                        + "\"top_p\":1,\"frequency_penalty\":-2,\"presence_penalty\":2,\"seed\":-7,\"logprobs\":true,"
                        + "\"top_logprobs\":20,\"stream\":true,\"stream_options\":null,\"n\":1}");
        assertEquals("m", r.model());
        parse(Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":5,\"best_of\":1,\"temperature\":null}");
    }

    /** The message of the 400 a body gets, or fails if it is accepted. */
    private static String refusal(Kind kind, String body) {
        ApiError error = assertThrows(ApiError.class, () -> parse(kind, body), body);
        assertEquals(400, error.status(), body);
        return error.getMessage();
    }

    @Test
    void wrongTypedFieldsThatAreIgnoredAreStillRefusedNamingTheField() {
        assertEquals(
                "Field 'suffix' must be a string, got 2147483647",
                refusal(Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":\"x\",\"suffix\":2147483647}"));
        assertEquals(
                "Field 'echo' must be true or false, got -1",
                refusal(Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":\"x\",\"echo\":-1}"));
        assertEquals(
                "Field 'user' must be a string, got {}",
                refusal(Kind.CHAT, "{\"model\":\"m\",\"messages\":[],\"user\":{}}"));
        assertEquals(
                "Field 'tools' must be an array, got \"all\"",
                refusal(Kind.CHAT, "{\"model\":\"m\",\"messages\":[],\"tools\":\"all\"}"));
        assertTrue(refusal(Kind.CHAT, "{\"model\":\"m\",\"messages\":[],\"logit_bias\":{\"50256\":-101}}")
                .startsWith("Field 'logit_bias' must map token ids to numbers from -100 to 100"));
    }

    @Test
    void anUnknownFieldIsRefusedInOpenAisWords() {
        assertEquals(
                "Unrecognized request argument supplied: temprature",
                refusal(Kind.CHAT, "{\"model\":\"m\",\"messages\":[],\"temprature\":0.5}"));
        // A field of the other kind of request is unknown here.
        assertEquals(
                "Unrecognized request argument supplied: messages",
                refusal(Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":\"x\",\"messages\":[]}"));
    }

    @Test
    void documentedIgnoredFieldsOfTheRightTypeAndNullsAreAccepted() throws Exception {
        CompletionRequest chat = parse(
                Kind.CHAT,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"user\":\"u-1\","
                        + "\"store\":false,\"metadata\":{\"k\":\"v\"},\"tool_choice\":\"none\",\"tools\":[],"
                        + "\"logit_bias\":{\"50256\":-100},\"top_k\":40,\"nvext\":{},\"service_tier\":null}");
        assertEquals("m", chat.model());
        CompletionRequest completion = parse(
                Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":\"x\",\"echo\":false,\"suffix\":null,\"min_p\":0.1}");
        assertEquals("x", completion.prompt());
    }

    @Test
    void nvextPriorityIsAnIntegerInItsRangeAndAbsentMeansNone() throws Exception {
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertNull(parse(Kind.CHAT, chat + "}").priority());
        assertNull(parse(Kind.CHAT, chat + ",\"nvext\":{}}").priority());
        assertNull(parse(Kind.CHAT, chat + ",\"nvext\":{\"priority\":null}}").priority());
        assertEquals(
                100, parse(Kind.CHAT, chat + ",\"nvext\":{\"priority\":100}}").priority());
        assertEquals(
                -100,
                parse(Kind.COMPLETION, "{\"model\":\"m\",\"prompt\":\"x\",\"nvext\":{\"priority\":-100}}")
                        .priority());
        for (String bad : List.of("101", "-101", "1.5", "\"high\"", "true", "{}", "2147483648")) {
            assertEquals(
                    "Field 'nvext.priority' must be an integer from -100 to 100 (higher is served first), got " + bad,
                    refusal(Kind.CHAT, chat + ",\"nvext\":{\"priority\":" + bad + "}}"),
                    bad);
        }
    }
}
