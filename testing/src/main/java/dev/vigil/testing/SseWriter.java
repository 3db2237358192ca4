package dev.vigil.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How {@link FakeOpenAiEngine} writes its stream: OpenAI chunks as server-sent events. */
final class SseWriter {

    private final ObjectMapper json;
    private final String model;

    SseWriter(ObjectMapper json, String model) {
        this.json = json;
        this.model = model;
    }

    /** One streamed chunk of {@code piece}; {@code finish} null while the stream goes on. */
    String chunk(boolean chat, String piece, String finish, int completionTokens) throws IOException {
        ObjectNode chunk = json.createObjectNode();
        chunk.put("id", "fake");
        chunk.put("object", chat ? "chat.completion.chunk" : "text_completion");
        chunk.put("model", model);
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        if (chat) {
            choice.putObject("delta").put("content", piece);
        } else {
            choice.put("text", piece);
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        if (completionTokens > 0) {
            chunk.putObject("usage").put("completion_tokens", completionTokens);
        }
        return json.writeValueAsString(chunk);
    }

    /**
     * Writes one SSE event in two flushes cut inside its first multi-byte character, if it has one,
     * so a client that decodes each network read on its own would break the character.
     */
    static void event(OutputStream out, String data) throws IOException {
        byte[] bytes = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        int split = -1;
        for (int i = 0; i < bytes.length; i++) {
            if ((bytes[i] & 0xc0) == 0xc0) {
                split = i + 1;
                break;
            }
        }
        if (split > 0) {
            out.write(bytes, 0, split);
            out.flush();
            out.write(bytes, split, bytes.length - split);
        } else {
            out.write(bytes);
        }
        out.flush();
    }
}
