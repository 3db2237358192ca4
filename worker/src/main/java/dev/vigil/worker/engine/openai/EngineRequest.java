package dev.vigil.worker.engine.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.SamplingOptions;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.TextInput;

/**
 * One streaming request to the engine's OpenAI API, built from a {@code generate} request.
 *
 * <p>The text comes from the request's {@link TextInput}: a completion's prompt goes to {@code
 * /v1/completions}, chat messages to {@code /v1/chat/completions}. A request without it (a canary
 * payload written as token ids) sends the token ids as the completion prompt, which vLLM and SGLang
 * accept.
 *
 * <p>A migrated request continues the text earlier attempts generated, exactly where it stopped: a
 * completion sends the prompt followed by that text (the engine generates what follows the whole
 * string); a chat request appends it as a final assistant message with {@code
 * continue_final_message: true} and {@code add_generation_prompt: false} (vLLM's and SGLang's
 * parameters; the chat template then leaves the assistant turn open instead of closing it and
 * starting a new one). {@code max_tokens} is already reduced by the frontend. Where the engine has a
 * token API, the continuation is the exact token sequence instead ({@link #ofIds}, {@link TokenRoutes}).
 *
 * @param path {@code /v1/completions} or {@code /v1/chat/completions}
 * @param chat whether the answer's chunks carry {@code delta.content} rather than {@code text}
 */
record EngineRequest(String path, boolean chat, ObjectNode body) {

    static final String COMPLETIONS = "/v1/completions";
    static final String CHAT_COMPLETIONS = "/v1/chat/completions";

    static EngineRequest of(GenerateRequest request, String model, ObjectMapper json) {
        return of(request, model, json, false);
    }

    /**
     * @param returnTokenIds whether to ask for the engine's token ids with the text ({@code
     *     return_token_ids}, vLLM's and Vigil's llama.cpp engine's): a migration then continues from
     *     them ({@link TokenRoutes}). Asked only of an engine known to have a token API, since a
     *     strict server may refuse a field it does not know.
     */
    static EngineRequest of(GenerateRequest request, String model, ObjectMapper json, boolean returnTokenIds) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        TextInput text = request.textInput();
        boolean chat = text != null && text.isChat();
        if (chat) {
            ArrayNode messages = body.putArray("messages");
            text.messages().forEach(messages::add);
            String prior = text.priorOutput();
            if (prior != null && !prior.isEmpty()) {
                messages.addObject().put("role", "assistant").put("content", prior);
                body.put("continue_final_message", true);
                body.put("add_generation_prompt", false);
            }
        } else if (text != null && text.prompt() != null) {
            String prior = text.priorOutput() == null ? "" : text.priorOutput();
            body.put("prompt", text.prompt() + prior);
        } else {
            List<Integer> ids = request.tokenIds() == null ? List.of() : request.tokenIds();
            ArrayNode prompt = body.putArray("prompt");
            ids.forEach(prompt::add);
        }
        return finish(request, body, chat, returnTokenIds);
    }

    /**
     * A migrated request continued from the exact token sequence ({@link TokenRoutes#continuation}):
     * the engine's prompt ids and the ids generated so far, as a completion prompt, chat or not.
     */
    static EngineRequest ofIds(GenerateRequest request, String model, List<Integer> sequence, ObjectMapper json) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        ArrayNode prompt = body.putArray("prompt");
        sequence.forEach(prompt::add);
        return finish(request, body, false, true);
    }

    private static EngineRequest finish(
            GenerateRequest request, ObjectNode body, boolean chat, boolean returnTokenIds) {
        if (returnTokenIds) {
            body.put("return_token_ids", true);
        }
        body.put("stream", true);
        // Usage on every chunk (vLLM's continuous_usage_stats) counts the tokens of each chunk; the
        // final usage chunk (include_usage, most servers) at least corrects the total.
        body.putObject("stream_options").put("include_usage", true).put("continuous_usage_stats", true);
        StopConditions stop = request.stopConditions();
        if (stop != null) {
            if (stop.maxTokens() != null) {
                body.put("max_tokens", stop.maxTokens());
            }
            if (stop.stop() != null && !stop.stop().isEmpty()) {
                ArrayNode stops = body.putArray("stop");
                stop.stop().forEach(stops::add);
            }
            if (stop.stopTokenIds() != null && !stop.stopTokenIds().isEmpty()) {
                ArrayNode ids = body.putArray("stop_token_ids");
                stop.stopTokenIds().forEach(ids::add);
            }
            if (Boolean.TRUE.equals(stop.ignoreEos())) {
                body.put("ignore_eos", true);
            }
        }
        SamplingOptions sampling = request.samplingOptions();
        if (sampling != null) {
            if (sampling.temperature() != null) {
                body.put("temperature", sampling.temperature());
            }
            if (sampling.topP() != null) {
                body.put("top_p", sampling.topP());
            }
            if (sampling.seed() != null) {
                body.put("seed", sampling.seed());
            }
        }
        return new EngineRequest(chat ? CHAT_COMPLETIONS : COMPLETIONS, chat, body);
    }

    /** The text of one streamed chunk's first choice; empty when it has none. */
    String text(JsonNode choice) {
        JsonNode text = chat ? choice.path("delta").path("content") : choice.path("text");
        return text.isTextual() ? text.asText() : "";
    }
}
