package dev.vigil.frontend.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
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
     * then escapes one string instead of serializing four records (issue 14). Both halves are cut
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
            return json.writeValueAsString(completion);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a response body", e);
        }
    }
}
