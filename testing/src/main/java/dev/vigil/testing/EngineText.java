package dev.vigil.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The text {@link FakeOpenAiEngine} generates: each "token" is a word (some with multi-byte UTF-8
 * characters) chosen by a hash of the whole text so far, so the same text always continues the same
 * way; and how its chat template renders messages.
 */
final class EngineText {

    private static final String[] WORDS = {
        " the", " engine", " stream", " héllo", " naïve", " 日本語", " 🙂", " worker", " health", " check", ",",
        " migrates", " exactly", " ünïcödé", " text", " — and", " tokens", " Ω", " data", " ✓", " café", " again",
        " résumé", " 中文"
    };

    private EngineText() {}

    /** See {@link FakeOpenAiEngine#answer}. */
    static List<String> answer(String text, int tokens) {
        List<String> pieces = new ArrayList<>();
        StringBuilder context = new StringBuilder(text);
        for (int i = 0; i < tokens; i++) {
            String piece = next(context);
            pieces.add(piece);
            context.append(piece);
        }
        return pieces;
    }

    private static String next(CharSequence context) {
        // FNV-1a over the last 64 characters: the text so far, not the request, decides.
        long hash = 0xcbf29ce484222325L;
        String tail = context.toString();
        tail = tail.substring(Math.max(0, tail.length() - 64));
        for (byte b : tail.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return WORDS[(int) Math.floorMod(hash, (long) WORDS.length)];
    }

    /** See {@link FakeOpenAiEngine#userChat}. */
    static String userChat(String content) {
        return "user: " + content + "\nassistant: ";
    }

    /** See {@link FakeOpenAiEngine#renderChat}. */
    static String renderChat(JsonNode messages, boolean continueFinal) {
        StringBuilder text = new StringBuilder();
        int last = messages.size() - 1;
        for (int i = 0; i <= last; i++) {
            JsonNode m = messages.get(i);
            String content = m.path("content").asText("");
            if (i == last && continueFinal && m.path("role").asText().equals("assistant")) {
                return text.append("assistant: ").append(content).toString();
            }
            text.append(m.path("role").asText()).append(": ").append(content).append('\n');
        }
        return text.append("assistant: ").toString();
    }
}
