package dev.vigil.worker.engine.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Future;

import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.TextInput;

/**
 * The engine's own tokenizer, through llama.cpp {@code llama-server}'s routes: {@code /tokenize},
 * {@code /detokenize} and, for chat, {@code /apply-template}. With them a migrated request continues
 * the <em>same token sequence</em> rather than the same text.
 *
 * <p>Why: text does not round-trip through a tokenizer. The tokens a model generated, detokenized and
 * tokenized again, are often a different sequence (a multi-byte character split across byte tokens;
 * "▁the" generated where re-tokenizing finds "▁t" "he"), and the model continues a different sequence
 * differently. So when the tokens generated so far are the engine's own ids (the first attempt's
 * engine returned them: {@code return_token_ids}), the continuation is sent as token ids: the
 * prompt, tokenized by this engine exactly as its completion route would, followed by those ids, to
 * {@code /v1/completions} (every engine here accepts token ids as a prompt).
 *
 * <p>The ids are trusted only once checked: detokenized after the prompt they must give exactly the
 * text the client already received. Placeholder ids (an engine that returned none), another model's
 * vocabulary, or an engine without these routes all fail the check or a route, and the continuation
 * falls back to text ({@link EngineRequest#of}), which is what vLLM and SGLang get.
 */
final class TokenRoutes {

    /** A POST of a JSON body to one of the engine's routes: its status and body. */
    interface Post extends BiFunction<String, ObjectNode, Future<Reply>> {}

    record Reply(int status, String body) {}

    private final Post post;
    private final ObjectMapper json;

    TokenRoutes(Post post, ObjectMapper json) {
        this.post = post;
        this.json = json;
    }

    /** Whether the engine tokenizes on request (asked once it is loaded). */
    Future<Boolean> available() {
        return tokenize("Hello", false).map(ids -> !ids.isEmpty()).otherwise(false);
    }

    /**
     * The whole sequence to continue a migrated request from, or empty when it cannot be had exactly
     * (the caller then continues from text).
     */
    Future<Optional<List<Integer>>> continuation(GenerateRequest request) {
        TextInput text = request.textInput();
        List<Integer> prior = priorIds(request);
        if (text == null || prior.isEmpty() || text.priorOutput() == null) {
            return Future.succeededFuture(Optional.empty());
        }
        Future<String> promptText = text.isChat()
                ? applyTemplate(text.messages())
                : Future.succeededFuture(text.prompt() == null ? "" : text.prompt());
        return promptText
                .compose(prompt -> tokenize(prompt, true))
                .compose(promptIds -> detokenize(prior, promptIds).map(decoded -> {
                    if (!decoded.equals(text.priorOutput())) {
                        return Optional.<List<Integer>>empty();
                    }
                    List<Integer> all = new ArrayList<>(promptIds.size() + prior.size());
                    all.addAll(promptIds);
                    all.addAll(prior);
                    return Optional.of(all);
                }))
                .otherwise(Optional.empty());
    }

    /** The last {@code prior_output_tokens} of the request's ids: the tokens earlier attempts generated. */
    static List<Integer> priorIds(GenerateRequest request) {
        Integer count = request.priorOutputTokens();
        List<Integer> ids = request.tokenIds();
        if (count == null || count <= 0 || ids == null || ids.size() < count) {
            return List.of();
        }
        return List.copyOf(ids.subList(ids.size() - count, ids.size()));
    }

    /** llama-server's {@code /tokenize}; vLLM's field names ride along, so its route answers too. */
    Future<List<Integer>> tokenize(String text, boolean addSpecial) {
        ObjectNode body = json.createObjectNode()
                .put("content", text)
                .put("add_special", addSpecial)
                .put("prompt", text)
                .put("add_special_tokens", addSpecial);
        return call("/tokenize", body).map(answer -> {
            JsonNode tokens = answer.path("tokens");
            if (!tokens.isArray()) {
                throw new IllegalStateException("/tokenize answered no tokens");
            }
            List<Integer> ids = new ArrayList<>(tokens.size());
            for (JsonNode t : tokens) {
                // llama-server answers {id, piece} objects when asked for pieces; plain ids here.
                JsonNode id = t.isObject() ? t.path("id") : t;
                if (!id.canConvertToInt()) {
                    throw new IllegalStateException("/tokenize answered a token that is not an id");
                }
                ids.add(id.asInt());
            }
            return ids;
        });
    }

    /**
     * The text of {@code tokens} as a stream after {@code previous} shows it. {@code previous_tokens}
     * is Vigil's engine's addition (a SentencePiece tokenizer drops a leading space only at the start
     * of a text); a server without it detokenizes the tokens alone.
     */
    Future<String> detokenize(List<Integer> tokens, List<Integer> previous) {
        ObjectNode body = json.createObjectNode();
        tokens.forEach(body.putArray("tokens")::add);
        previous.forEach(body.putArray("previous_tokens")::add);
        return call("/detokenize", body).map(answer -> {
            JsonNode content = answer.has("content") ? answer.path("content") : answer.path("prompt");
            if (!content.isTextual()) {
                throw new IllegalStateException("/detokenize answered no text");
            }
            return content.asText();
        });
    }

    /** The prompt text the engine's chat route makes of {@code messages}. */
    Future<String> applyTemplate(JsonNode messages) {
        ObjectNode body = json.createObjectNode();
        body.set("messages", messages);
        return call("/apply-template", body).map(answer -> {
            JsonNode prompt = answer.path("prompt");
            if (!prompt.isTextual()) {
                throw new IllegalStateException("/apply-template answered no prompt");
            }
            return prompt.asText();
        });
    }

    private Future<JsonNode> call(String path, ObjectNode body) {
        return post.apply(path, body).map(reply -> {
            if (reply.status() / 100 != 2) {
                throw new IllegalStateException(path + " answered HTTP " + reply.status());
            }
            try {
                return json.readTree(reply.body());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(path + " answered something that is not JSON");
            }
        });
    }
}
