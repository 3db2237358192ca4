package dev.vigil.testing;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One {@code /v1/completions} or {@code /v1/chat/completions} request as {@link FakeOpenAiEngine}
 * reads it: the text it continues, the pieces it answers (cut at the first stop string), why it
 * finishes, and which usage it reports.
 *
 * @param chat a chat completion (deltas), not a text completion
 * @param context the text continued: the prompt, or the rendered chat
 * @param pieces the tokens to stream, already cut at a stop string
 * @param finish {@code "stop"} when a stop string cut the answer, else {@code "length"}
 * @param continuousUsage vLLM's {@code stream_options.continuous_usage_stats}
 * @param usage {@code stream_options.include_usage}
 */
record GenerationRequest(
        boolean chat, String context, List<String> pieces, String finish, boolean continuousUsage, boolean usage) {

    static GenerationRequest parse(JsonNode request, boolean chat) {
        String context = chat
                ? EngineText.renderChat(
                        request.path("messages"),
                        request.path("continue_final_message").asBoolean(false))
                : request.path("prompt").asText();
        int max = request.path("max_tokens").asInt(FakeOpenAiEngine.DEFAULT_MAX_TOKENS);
        List<String> pieces = EngineText.answer(context, max);
        String finish = "length";
        List<String> stops = new ArrayList<>();
        request.path("stop").forEach(s -> stops.add(s.asText()));
        if (request.path("stop").isTextual()) {
            stops.add(request.path("stop").asText());
        }
        String whole = String.join("", pieces);
        int cut = stops.stream()
                .mapToInt(whole::indexOf)
                .filter(i -> i >= 0)
                .min()
                .orElse(-1);
        if (cut >= 0) {
            finish = "stop";
            List<String> kept = new ArrayList<>();
            int at = 0;
            for (String piece : pieces) {
                if (at + piece.length() >= cut) {
                    kept.add(piece.substring(0, cut - at));
                    break;
                }
                kept.add(piece);
                at += piece.length();
            }
            pieces = kept;
        }
        JsonNode options = request.path("stream_options");
        return new GenerationRequest(
                chat,
                context,
                pieces,
                finish,
                options.path("continuous_usage_stats").asBoolean(false),
                options.path("include_usage").asBoolean(false));
    }
}
