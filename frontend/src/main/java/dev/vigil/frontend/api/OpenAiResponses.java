package dev.vigil.frontend.api;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.vigil.frontend.api.CompletionRequest.Kind;

/**
 * The one writer of OpenAI response bodies for one request: the whole {@code chat.completion} or
 * {@code text_completion} object, the streamed chunks, and usage. Ids, {@code created} and the model
 * are fixed per request, so every chunk of a stream, migrated or not, carries the same ones.
 */
final class OpenAiResponses {

    /** Token counts as OpenAI reports them. */
    @RegisterForReflection
    @JsonPropertyOrder({"prompt_tokens", "completion_tokens", "total_tokens"})
    record Usage(
            @JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {

        static Usage of(int promptTokens, int completionTokens) {
            return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
        }
    }

    /** A chat message or a streamed chat delta; absent fields are left out (a final delta is {@code {}}). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"role", "content"})
    record Message(String role, String content) {}

    /**
     * One choice. Chat bodies carry {@code message}, chat chunks {@code delta}, completions {@code
     * text}; {@code logprobs} and {@code finish_reason} are always present, null when there is none.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"index", "message", "delta", "text", "logprobs", "finish_reason"})
    record Choice(
            int index,
            Message message,
            Message delta,
            String text,
            @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {}

    /** A completion object or chunk; {@code usage} is left out of chunks that do not carry it. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage"})
    record Completion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {}

    private static final String ASSISTANT = "assistant";

    private final ObjectMapper json;
    private final boolean chat;
    private final String id;
    private final long created;
    private final String model;

    /**
     * A token chunk in the middle of a stream (a piece, no finish reason, not a chat stream's first)
     * is this prefix, the piece as a JSON string's contents, and this suffix: the per-token path
     * then escapes one string instead of serializing four records. Both halves are cut
     * out of a chunk the mapper wrote, so the bytes are the mapper's. Cut at the first token chunk
     * (an unstreamed request never needs them); left null when the mapper escapes differently from
     * Jackson's standard string encoder, and then every chunk goes through the mapper.
     */
    private String tokenChunkPrefix;

    private String tokenChunkSuffix;

    private boolean templateCut;

    /** A piece no chunk can otherwise end with in its last string: where the template is cut. */
    private static final String MARK = "\u0001piece\u0001";

    OpenAiResponses(ObjectMapper json, Kind kind, String requestId, String model, long created) {
        this.json = json;
        this.chat = kind == Kind.CHAT;
        this.id = (chat ? "chatcmpl-" : "cmpl-") + requestId;
        this.model = model;
        this.created = created;
    }

    /** Cuts the token chunk's template once; callers hold the request's lock, as for every chunk. */
    private void cutTemplate() {
        templateCut = true;
        if (!standardEscaping(json)) {
            return;
        }
        String template = writeChunk(MARK, null, false);
        String marked = "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(MARK)) + "\"";
        // The piece is written after the id and the model, so its occurrence is the last one.
        int at = template.lastIndexOf(marked);
        if (at >= 0) {
            tokenChunkPrefix = template.substring(0, at + 1);
            tokenChunkSuffix = template.substring(at + marked.length() - 1);
        }
    }

    private static boolean standardEscaping(ObjectMapper json) {
        return json.getFactory().getCharacterEscapes() == null
                && !json.getFactory().isEnabled(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
    }

    /** The id clients see: {@code chatcmpl-…} or {@code cmpl-…}. */
    String id() {
        return id;
    }

    /**
     * A streamed chunk with {@code piece} (null: none) and {@code finishReason} (null while
     * generating); the first chunk of a chat stream also names the role.
     */
    String chunk(String piece, String finishReason, boolean first) {
        boolean tokenChunk = piece != null && finishReason == null && !(chat && first);
        if (tokenChunk && !templateCut) {
            cutTemplate();
        }
        if (tokenChunk && tokenChunkPrefix != null) {
            StringBuilder out = new StringBuilder(tokenChunkPrefix.length() + tokenChunkSuffix.length() + 16);
            out.append(tokenChunkPrefix);
            JsonStringEncoder.getInstance().quoteAsString(piece, out);
            return out.append(tokenChunkSuffix).toString();
        }
        return writeChunk(piece, finishReason, first);
    }

    /** The chunk as the mapper writes it: what {@link #chunk} must equal byte for byte. */
    String writeChunk(String piece, String finishReason, boolean first) {
        Choice choice = chat
                ? new Choice(0, null, new Message(first ? ASSISTANT : null, piece), null, null, finishReason)
                : new Choice(0, null, null, piece == null ? "" : piece, null, finishReason);
        return write(new Completion(id, chunkObject(), created, model, List.of(choice), null));
    }

    /** The last chunk of a stream that asked for usage: no choices, only the counts. */
    String usageChunk(Usage usage) {
        return write(new Completion(id, chunkObject(), created, model, List.of(), usage));
    }

    /** The whole, unstreamed response. */
    String whole(String text, String finishReason, Usage usage) {
        Choice choice = chat
                ? new Choice(0, new Message(ASSISTANT, text), null, null, null, finishReason)
                : new Choice(0, null, null, text, null, finishReason);
        return write(new Completion(
                id, chat ? "chat.completion" : "text_completion", created, model, List.of(choice), usage));
    }

    private String chunkObject() {
        return chat ? "chat.completion.chunk" : "text_completion";
    }

    private String write(Completion completion) {
        try {
            return writesDirectly(json) ? writeDirect(json, completion) : json.writeValueAsString(completion);
        } catch (IOException e) {
            throw new IllegalStateException("Could not write a response body", e);
        }
    }

    /** The mapper last checked by {@link #writesDirectly}, and whether it passed (one app, one mapper). */
    private record Checked(ObjectMapper mapper, boolean same) {}

    private static volatile Checked checked = new Checked(null, false);

    /**
     * Whether {@link #writeDirect} writes what this mapper writes: checked once per mapper on a body
     * that has every field and characters that need escaping; a mapper configured otherwise (indented
     * output, its own escapes or serializers) goes through the records instead.
     */
    static boolean writesDirectly(ObjectMapper json) {
        Checked last = checked;
        if (last.mapper() == json) {
            return last.same();
        }
        boolean same;
        try {
            Completion probe = new Completion(
                    "cmpl-\"probe\u0001é",
                    "text_completion",
                    1_234_567_890_123L,
                    "model/\u2028漢字",
                    List.of(
                            new Choice(0, new Message(ASSISTANT, "a \"b\"\n\uD83D\uDE00"), null, null, null, "stop"),
                            new Choice(1, null, new Message(null, "</x>"), "t\\", null, null)),
                    Usage.of(3, 4));
            same = standardEscaping(json) && json.writeValueAsString(probe).equals(writeDirect(json, probe));
        } catch (IOException | RuntimeException e) {
            same = false;
        }
        checked = new Checked(json, same);
        return same;
    }

    /**
     * The completion written field by field with the mapper's own generator, in the records' order and
     * with their inclusion rules: what {@code writeValueAsString} writes, without its per-call
     * serializer look-ups and reflective accessor calls (about a twentieth of a unary request's CPU,
     * docs/benchmarks.md). {@code OpenAiResponsesTest} compares the two.
     */
    static String writeDirect(ObjectMapper json, Completion completion) throws IOException {
        // A plain writer: Jackson's recycled buffers are reached only through its internals.
        try (StringWriter out = new StringWriter(512)) {
            try (JsonGenerator gen = json.createGenerator(out)) {
                gen.writeStartObject();
                stringField(gen, "id", completion.id());
                stringField(gen, "object", completion.object());
                gen.writeNumberField("created", completion.created());
                stringField(gen, "model", completion.model());
                if (completion.choices() != null) {
                    gen.writeArrayFieldStart("choices");
                    for (Choice choice : completion.choices()) {
                        gen.writeStartObject();
                        gen.writeNumberField("index", choice.index());
                        message(gen, "message", choice.message());
                        message(gen, "delta", choice.delta());
                        stringField(gen, "text", choice.text());
                        if (choice.logprobs() == null) {
                            gen.writeNullField("logprobs");
                        } else {
                            gen.writeFieldName("logprobs");
                            json.writeValue(gen, choice.logprobs());
                        }
                        if (choice.finishReason() == null) {
                            gen.writeNullField("finish_reason");
                        } else {
                            gen.writeStringField("finish_reason", choice.finishReason());
                        }
                        gen.writeEndObject();
                    }
                    gen.writeEndArray();
                }
                Usage usage = completion.usage();
                if (usage != null) {
                    gen.writeObjectFieldStart("usage");
                    gen.writeNumberField("prompt_tokens", usage.promptTokens());
                    gen.writeNumberField("completion_tokens", usage.completionTokens());
                    gen.writeNumberField("total_tokens", usage.totalTokens());
                    gen.writeEndObject();
                }
                gen.writeEndObject();
            }
            return out.toString();
        }
    }

    private static void message(JsonGenerator gen, String field, Message message) throws IOException {
        if (message != null) {
            gen.writeObjectFieldStart(field);
            stringField(gen, "role", message.role());
            stringField(gen, "content", message.content());
            gen.writeEndObject();
        }
    }

    /** A field left out when null, as the records' {@code NON_NULL} does. */
    private static void stringField(JsonGenerator gen, String field, String value) throws IOException {
        if (value != null) {
            gen.writeStringField(field, value);
        }
    }
}
