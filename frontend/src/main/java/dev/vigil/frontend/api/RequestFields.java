package dev.vigil.frontend.api;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.frontend.api.CompletionRequest.Kind;

/**
 * Every top-level field a completion request may carry, and its JSON type. A field not listed is
 * refused with OpenAI's own wording ({@code Unrecognized request argument supplied: …}), and a listed
 * field of the wrong type is refused naming it, so a client's mistake is a 400 rather than a setting
 * silently dropped. Fields Vigil serves are checked in full by {@link CompletionRequest}
 * ({@link Type#PARSED} here); the others are accepted, type-checked and ignored, as
 * docs/configuration.md ("Request fields") lists.
 */
final class RequestFields {

    /** What a field's value must be (JSON {@code null} is always allowed: the field is unset). */
    enum Type {
        /** Checked where it is used, type and range ({@link CompletionRequest}). */
        PARSED("", true),
        STRING("a string", false),
        BOOLEAN("true or false", false),
        INTEGER("an integer", false),
        NUMBER("a number", false),
        OBJECT("an object", false),
        ARRAY("an array", false),
        STRING_OR_OBJECT("a string or an object", false);

        private final String expected;
        private final boolean parsed;

        Type(String expected, boolean parsed) {
            this.expected = expected;
            this.parsed = parsed;
        }

        boolean accepts(JsonNode value) {
            return switch (this) {
                case PARSED -> true;
                case STRING -> value.isTextual();
                case BOOLEAN -> value.isBoolean();
                case INTEGER -> value.isIntegralNumber() && value.canConvertToLong();
                case NUMBER -> value.isNumber();
                case OBJECT -> value.isObject();
                case ARRAY -> value.isArray();
                case STRING_OR_OBJECT -> value.isTextual() || value.isObject();
            };
        }
    }

    private static final Map<String, Type> COMMON = Map.ofEntries(
            // Served.
            Map.entry("model", Type.PARSED),
            Map.entry("max_tokens", Type.PARSED),
            Map.entry("n", Type.PARSED),
            Map.entry("stream", Type.PARSED),
            Map.entry("stream_options", Type.PARSED),
            Map.entry("stop", Type.PARSED),
            Map.entry("temperature", Type.PARSED),
            Map.entry("top_p", Type.PARSED),
            Map.entry("frequency_penalty", Type.PARSED),
            Map.entry("presence_penalty", Type.PARSED),
            Map.entry("seed", Type.PARSED),
            Map.entry("logprobs", Type.PARSED),
            Map.entry("ignore_eos", Type.PARSED),
            // Accepted and ignored: OpenAI's.
            Map.entry("user", Type.STRING),
            Map.entry("logit_bias", Type.OBJECT),
            // Accepted and ignored: the extensions of Dynamo (nvext) and vLLM's sampling parameters.
            Map.entry("nvext", Type.OBJECT),
            Map.entry("top_k", Type.INTEGER),
            Map.entry("min_p", Type.NUMBER),
            Map.entry("repetition_penalty", Type.NUMBER),
            Map.entry("min_tokens", Type.INTEGER));

    private static final Map<String, Type> CHAT = with(
            COMMON,
            Map.ofEntries(
                    Map.entry("messages", Type.PARSED),
                    Map.entry("max_completion_tokens", Type.PARSED),
                    Map.entry("top_logprobs", Type.PARSED),
                    Map.entry("metadata", Type.OBJECT),
                    Map.entry("store", Type.BOOLEAN),
                    Map.entry("parallel_tool_calls", Type.BOOLEAN),
                    Map.entry("service_tier", Type.STRING),
                    Map.entry("reasoning_effort", Type.STRING),
                    Map.entry("modalities", Type.ARRAY),
                    Map.entry("response_format", Type.OBJECT),
                    Map.entry("tools", Type.ARRAY),
                    Map.entry("tool_choice", Type.STRING_OR_OBJECT),
                    Map.entry("functions", Type.ARRAY),
                    Map.entry("function_call", Type.STRING_OR_OBJECT),
                    Map.entry("prediction", Type.OBJECT),
                    Map.entry("audio", Type.OBJECT),
                    Map.entry("web_search_options", Type.OBJECT),
                    Map.entry("chat_template_kwargs", Type.OBJECT)));

    private static final Map<String, Type> COMPLETION = with(
            COMMON,
            Map.ofEntries(
                    Map.entry("prompt", Type.PARSED),
                    Map.entry("best_of", Type.PARSED),
                    Map.entry("echo", Type.BOOLEAN),
                    Map.entry("suffix", Type.STRING)));

    private RequestFields() {}

    /** Refuses, with a 400 naming it, the first field that is unknown or of the wrong type. */
    static void check(Kind kind, JsonNode body) {
        Map<String, Type> known = kind == Kind.CHAT ? CHAT : COMPLETION;
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            Type type = known.get(field.getKey());
            if (type == null) {
                throw ApiError.badRequest("Unrecognized request argument supplied: " + abbreviated(field.getKey()));
            }
            JsonNode value = field.getValue();
            if (!type.parsed && !value.isNull() && !type.accepts(value)) {
                throw ApiError.badRequest("Field '" + field.getKey() + "' must be " + type.expected + ", got "
                        + abbreviated(value.toString()));
            }
        }
        JsonNode bias = body.get("logit_bias");
        if (bias != null && bias.isObject()) {
            bias.fields().forEachRemaining(entry -> {
                JsonNode value = entry.getValue();
                if (!value.isNumber() || value.asDouble() < -100 || value.asDouble() > 100) {
                    throw ApiError.badRequest("Field 'logit_bias' must map token ids to numbers from -100 to 100, got "
                            + abbreviated(value.toString()) + " for " + abbreviated(entry.getKey()));
                }
            });
        }
    }

    private static Map<String, Type> with(Map<String, Type> base, Map<String, Type> more) {
        Map<String, Type> all = new HashMap<>(base);
        all.putAll(more);
        return Map.copyOf(all);
    }

    /** What the client sent, cut short: it is echoed back. */
    private static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
