package dev.vigil.worker.engine.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One event of the engine's OpenAI stream, read: the {@code [DONE]} that ends it, a chunk that is
 * not one (malformed JSON, not an object, an error object), a chunk without choices (at most the
 * final usage), or the first choice's text, token ids and finish reason. Reading is all this does:
 * what the event means for the request is {@link EngineStream}'s.
 */
sealed interface EngineChunk {

    /** {@code [DONE]}: the engine says the stream is complete. */
    record Done() implements EngineChunk {}

    /** Not a well-formed chunk, or the engine reports an error: why, for the request's error. */
    record Broken(String message) implements EngineChunk {}

    /** A chunk without choices; {@code total} is its {@code usage.completion_tokens}, or null. */
    record Usage(Integer total) implements EngineChunk {}

    /**
     * The first choice of a chunk.
     *
     * @param text its text, empty when it has none
     * @param engineIds the engine's token ids for it ({@code token_ids}); empty when it sent none
     * @param total the chunk's {@code usage.completion_tokens} (vLLM's per-chunk usage), or null
     * @param finishReason its finish reason, null until one comes
     */
    record Choice(String text, List<Integer> engineIds, Integer total, String finishReason) implements EngineChunk {}

    /** Reads the data of one event; {@code request} says where a choice holds its text. */
    static EngineChunk parse(String data, ObjectMapper json, EngineRequest request) {
        if (data.strip().equals("[DONE]")) {
            return new Done();
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (JsonProcessingException e) {
            return new Broken("the engine sent malformed JSON: " + EngineMessages.excerpt(data));
        }
        if (chunk == null || !chunk.isObject()) {
            return new Broken("the engine sent an event that is not a JSON object: " + EngineMessages.excerpt(data));
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            String message =
                    error.isTextual() ? error.asText() : error.path("message").asText(error.toString());
            return new Broken("the engine reported an error: " + EngineMessages.excerpt(message));
        }
        JsonNode completion = chunk.path("usage").path("completion_tokens");
        Integer total = completion.canConvertToInt() ? completion.asInt() : null;
        JsonNode choices = chunk.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            return new Usage(total);
        }
        JsonNode choice = choices.get(0);
        JsonNode reason = choice.path("finish_reason");
        return new Choice(
                request.text(choice),
                engineIds(choice.path("token_ids")),
                total,
                reason.isTextual() && !reason.asText().isEmpty() ? reason.asText() : null);
    }

    private static List<Integer> engineIds(JsonNode engineIds) {
        if (!engineIds.isArray() || engineIds.isEmpty()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>(engineIds.size());
        engineIds.forEach(id -> ids.add(id.asInt()));
        return ids;
    }
}
