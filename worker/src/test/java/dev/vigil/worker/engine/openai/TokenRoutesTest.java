package dev.vigil.worker.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Future;

import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.SamplingOptions;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.TextInput;

/** {@link TokenRoutes} against a scripted engine: when a continuation is token ids, and when it falls back. */
class TokenRoutesTest {

    final ObjectMapper json = new ObjectMapper();
    final List<String> calls = new ArrayList<>();
    /** The engine's "tokenizer": each character is a token, its code point the id; BOS is 1. */
    String detokenized = null;

    int tokenizeStatus = 200;

    TokenRoutes routes() {
        return new TokenRoutes(
                (path, body) -> {
                    calls.add(path + " " + body);
                    return Future.succeededFuture(answer(path, body));
                },
                json);
    }

    TokenRoutes.Reply answer(String path, JsonNode body) {
        switch (path) {
            case "/tokenize" -> {
                if (tokenizeStatus != 200) {
                    return new TokenRoutes.Reply(tokenizeStatus, "{\"error\":\"no\"}");
                }
                StringBuilder ids = new StringBuilder(body.path("add_special").asBoolean() ? "[1" : "[");
                body.path("content").asText().codePoints().forEach(c -> ids.append(ids.length() > 1 ? "," : "")
                        .append(c));
                return new TokenRoutes.Reply(200, "{\"tokens\":" + ids + "]}");
            }
            case "/detokenize" -> {
                StringBuilder text = new StringBuilder();
                body.path("tokens").forEach(t -> text.appendCodePoint(t.asInt()));
                String content = detokenized != null ? detokenized : text.toString();
                return new TokenRoutes.Reply(200, "{\"content\":" + quote(content) + "}");
            }
            case "/apply-template" -> {
                return new TokenRoutes.Reply(200, "{\"prompt\":\"user: hi\\nassistant:\"}");
            }
            default -> {
                return new TokenRoutes.Reply(404, "{}");
            }
        }
    }

    String quote(String s) {
        try {
            return json.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A migrated request: frontend ids 900 901 for the prompt, then {@code prior} generated ids. */
    static GenerateRequest migrated(TextInput text, List<Integer> prior, String priorText) {
        List<Integer> ids = new ArrayList<>(List.of(900, 901));
        ids.addAll(prior);
        return new GenerateRequest(
                "m",
                ids,
                new StopConditions(10, null, null, null),
                new SamplingOptions(0.0, null, null),
                prior.size(),
                text.continuing(priorText));
    }

    static List<Integer> codes(String s) {
        return s.codePoints().boxed().toList();
    }

    static <T> T result(Future<T> future) {
        assertTrue(future.isComplete(), "completed at once against the scripted engine");
        return future.result();
    }

    @Test
    void theGeneratedIdsAreTheLastPriorOutputTokensOfTheRequestsIds() {
        GenerateRequest request = migrated(TextInput.completion("ab"), List.of(7, 8, 9), "xyz");
        assertEquals(List.of(7, 8, 9), TokenRoutes.priorIds(request));
        GenerateRequest first = new GenerateRequest("m", List.of(1, 2), new StopConditions(3, null, null, null), null);
        assertEquals(List.of(), TokenRoutes.priorIds(first));
    }

    @Test
    void aCompletionContinuesFromThePromptAsTheEngineTokenizesItThenTheGeneratedIds() {
        GenerateRequest request = migrated(TextInput.completion("ab"), codes(" cd"), " cd");
        Optional<List<Integer>> sequence = result(routes().continuation(request));
        assertEquals(Optional.of(List.of(1, 'a' + 0, 'b' + 0, ' ' + 0, 'c' + 0, 'd' + 0)), sequence);
        assertTrue(calls.get(0).startsWith("/tokenize"), calls.toString());
        assertTrue(calls.get(1).contains("\"previous_tokens\":[1,97,98]"), calls.toString());
    }

    @Test
    void aChatIsRenderedByTheEnginesTemplateFirst() {
        JsonNode messages = json.createArrayNode()
                .add(json.createObjectNode().put("role", "user").put("content", "hi"));
        GenerateRequest request = migrated(TextInput.chat(messages), codes("ok"), "ok");
        List<Integer> sequence = result(routes().continuation(request)).orElseThrow();
        assertTrue(calls.get(0).startsWith("/apply-template"), calls.toString());
        assertEquals(1, sequence.get(0));
        assertEquals(codes("user: hi\nassistant:ok"), sequence.subList(1, sequence.size()));
    }

    @Test
    void idsThatDoNotGiveTheClientsTextAreNotTrusted() {
        // Placeholder ids (an engine that returned none) detokenize to something else.
        detokenized = "\u0000\u0000";
        GenerateRequest request = migrated(TextInput.completion("ab"), List.of(0, 0), "cd");
        assertEquals(Optional.empty(), result(routes().continuation(request)));
    }

    @Test
    void anEngineWithoutTheRoutesFallsBackToText() {
        tokenizeStatus = 404;
        GenerateRequest request = migrated(TextInput.completion("ab"), codes("cd"), "cd");
        assertEquals(Optional.empty(), result(routes().continuation(request)));
        assertEquals(false, result(routes().available()));
    }

    @Test
    void anEngineThatTokenizesIsAvailable() {
        assertEquals(true, result(routes().available()));
    }
}
