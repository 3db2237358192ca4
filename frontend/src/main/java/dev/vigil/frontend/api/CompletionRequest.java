package dev.vigil.frontend.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.frontend.metrics.MetricNames;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.SamplingOptions;
import dev.vigil.runtime.protocol.TextInput;

/**
 * An OpenAI completion or chat completion request, validated: what Vigil needs from the body and
 * nothing else. Every rejection names the field and what is accepted.
 *
 * @param prompt the text to tokenize: the completion prompt, or the chat messages rendered by {@link
 *     #renderChat}
 * @param maxTokens {@code max_completion_tokens} or {@code max_tokens}; null when the client gave none
 * @param text the request as the client wrote it, for engines that tokenize themselves: the
 *     completion prompt, or the chat {@code messages} array
 * @param sampling {@code temperature}, {@code top_p} and {@code seed}; null when the client set none
 * @param priority {@code nvext.priority}: the request's place in the worker's admission queue, higher
 *     first; null when the client gave none (the default priority)
 */
public record CompletionRequest(
        Kind kind,
        String model,
        String prompt,
        Integer maxTokens,
        boolean stream,
        boolean includeUsage,
        List<String> stop,
        boolean ignoreEos,
        TextInput text,
        SamplingOptions sampling,
        Integer priority) {

    public enum Kind {
        CHAT,
        COMPLETION;

        /** The {@code endpoint} label of this kind's frontend metrics, as Dynamo spells it. */
        public String endpointLabel() {
            return this == CHAT ? MetricNames.CHAT_COMPLETIONS : MetricNames.COMPLETIONS;
        }
    }

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    public static CompletionRequest parse(Kind kind, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("Request body must be a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ApiError.badRequest("Field 'model' is required and must be a non-empty string");
        }
        RequestFields.check(kind, body);
        String prompt = kind == Kind.CHAT ? renderChat(body.get("messages")) : completionPrompt(body.get("prompt"));
        Integer maxTokens = positiveInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(body, "max_tokens");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.asInt() == 1)) {
            throw ApiError.badRequest("Field 'n' must be 1: one choice per request is supported");
        }
        boolean stream = bool(body, "stream");
        JsonNode options = body.get("stream_options");
        // Only its type is checked: an unstreamed request that carries it is served (it has no
        // effect there), as clients that always send it expect.
        if (options != null && !options.isNull() && !options.isObject()) {
            throw ApiError.badRequest("Field 'stream_options' must be an object");
        }
        boolean includeUsage = options != null && options.isObject() && bool(options, "include_usage");
        checkSampling(kind, body);
        // ignore_eos: the vLLM/Dynamo extension that keeps generating up to max_tokens.
        return new CompletionRequest(
                kind,
                model.asText(),
                prompt,
                maxTokens,
                stream,
                includeUsage,
                stop(body.get("stop")),
                bool(body, "ignore_eos"),
                kind == Kind.CHAT ? TextInput.chat(body.get("messages")) : TextInput.completion(prompt),
                sampling(body),
                priority(body.get("nvext")));
    }

    /**
     * {@code nvext.priority}, Vigil's: an integer in {@link GenerateRequest#MIN_PRIORITY} to {@link
     * GenerateRequest#MAX_PRIORITY}; the rest of {@code nvext} is accepted and ignored.
     */
    private static Integer priority(JsonNode nvext) {
        if (nvext == null || !nvext.isObject()) {
            return null;
        }
        JsonNode value = nvext.get("priority");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber()
                || !value.canConvertToInt()
                || value.asInt() < GenerateRequest.MIN_PRIORITY
                || value.asInt() > GenerateRequest.MAX_PRIORITY) {
            throw ApiError.badRequest("Field 'nvext.priority' must be an integer from " + GenerateRequest.MIN_PRIORITY
                    + " to " + GenerateRequest.MAX_PRIORITY + " (higher is served first), got " + abbreviated(value));
        }
        return value.asInt();
    }

    /** The sampling parameters an engine accepts, already checked by {@link #checkSampling}. */
    private static SamplingOptions sampling(JsonNode body) {
        Double temperature =
                present(body, "temperature") ? body.get("temperature").asDouble() : null;
        Double topP = present(body, "top_p") ? body.get("top_p").asDouble() : null;
        Long seed = present(body, "seed") ? body.get("seed").asLong() : null;
        return temperature == null && topP == null && seed == null
                ? null
                : new SamplingOptions(temperature, topP, seed);
    }

    /**
     * Vigil's chat template: each message as {@code <|role|>} and its content on the next line, then
     * {@code <|assistant|>} to start the reply. Deterministic, so the same conversation always
     * tokenizes the same.
     */
    static String renderChat(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("Field 'messages' is required and must be a non-empty array");
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            JsonNode role = message.get("role");
            if (!message.isObject() || role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw ApiError.badRequest("messages[" + i + "].role must be one of "
                        + String.join(", ", ROLES.stream().sorted().toList()));
            }
            prompt.append("<|")
                    .append(role.asText())
                    .append("|>\n")
                    .append(content(message.get("content"), i))
                    .append('\n');
        }
        return prompt.append("<|assistant|>\n").toString();
    }

    private static String content(JsonNode content, int index) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode partText = part.get("text");
                if (!"text".equals(part.path("type").asText()) || partText == null || !partText.isTextual()) {
                    throw ApiError.badRequest(
                            "messages[" + index + "].content parts must be {\"type\":\"text\",\"text\":…}");
                }
                text.append(partText.asText());
            }
            return text.toString();
        }
        throw ApiError.badRequest("messages[" + index + "].content must be a string or an array of text parts");
    }

    private static String completionPrompt(JsonNode prompt) {
        if (prompt != null && prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt != null
                && prompt.isArray()
                && prompt.size() == 1
                && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        throw ApiError.badRequest("Field 'prompt' is required and must be a string (or an array of one string)");
    }

    /**
     * The sampling parameters OpenAI defines, checked against its API reference's ranges (the mock
     * engine is deterministic and ignores them, a real engine would not): a value out of range or of
     * the wrong type is the client's mistake, 400 naming the parameter, never an engine's error.
     */
    private static void checkSampling(Kind kind, JsonNode body) {
        number(body, "temperature", 0, 2);
        number(body, "top_p", 0, 1);
        number(body, "frequency_penalty", -2, 2);
        number(body, "presence_penalty", -2, 2);
        integer(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (kind == Kind.CHAT) {
            JsonNode logprobs = body.get("logprobs");
            if (logprobs != null && !logprobs.isNull() && !logprobs.isBoolean()) {
                throw ApiError.badRequest("Field 'logprobs' must be true or false");
            }
            integer(body, "top_logprobs", 0, 20);
            if (present(body, "top_logprobs") && !bool(body, "logprobs")) {
                throw ApiError.badRequest("Field 'top_logprobs' requires 'logprobs' to be true");
            }
        } else {
            integer(body, "logprobs", 0, 5);
            JsonNode bestOf = body.get("best_of");
            if (bestOf != null
                    && !bestOf.isNull()
                    && !(bestOf.isIntegralNumber() && bestOf.canConvertToInt() && bestOf.asInt() == 1)) {
                throw ApiError.badRequest("Field 'best_of' must be 1: one candidate per request is supported");
            }
        }
    }

    private static boolean present(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && !value.isNull();
    }

    /** A JSON number from {@code min} to {@code max} (both included), or absent or null. */
    private static void number(JsonNode body, String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        double number = value.isNumber() ? value.asDouble() : Double.NaN;
        if (!(number >= min && number <= max)) {
            throw ApiError.badRequest("Field '" + field + "' must be a number from " + plain(min) + " to " + plain(max)
                    + ", got " + abbreviated(value));
        }
    }

    /** A JSON integer from {@code min} to {@code max} (both included), or absent or null. */
    private static void integer(JsonNode body, String field, long min, long max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw ApiError.badRequest(
                    min == Long.MIN_VALUE
                            ? "Field '" + field + "' must be an integer, got " + abbreviated(value)
                            : "Field '" + field + "' must be an integer from " + min + " to " + max + ", got "
                                    + abbreviated(value));
        }
    }

    private static String plain(double bound) {
        return bound == Math.rint(bound) ? String.valueOf((long) bound) : String.valueOf(bound);
    }

    /** The offending value as the client sent it, cut short: it is echoed back. */
    private static String abbreviated(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private static Integer positiveInt(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            throw ApiError.badRequest("Field '" + field + "' must be an integer of at least 1");
        }
        return value.asInt();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.badRequest("Field '" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= 4) {
            List<String> stops = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual() || s.asText().isEmpty()) {
                    throw ApiError.badRequest("Field 'stop' must be a string or an array of up to 4 non-empty strings");
                }
                stops.add(s.asText());
            }
            return stops;
        }
        throw ApiError.badRequest("Field 'stop' must be a string or an array of up to 4 non-empty strings");
    }
}
