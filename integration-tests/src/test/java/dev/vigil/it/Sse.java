package dev.vigil.it;

import java.util.ArrayList;
import java.util.List;

import io.restassured.path.json.JsonPath;

/** A parsed OpenAI SSE stream, as a client sees it. */
record Sse(List<JsonPath> chunks, boolean done, boolean errors) {

    static Sse parse(String body) {
        List<JsonPath> chunks = new ArrayList<>();
        boolean done = false;
        boolean errors = false;
        for (String event : body.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            if (event.startsWith("event: error")) {
                errors = true;
                continue;
            }
            String data = event.substring(event.indexOf("data: ") + 6).trim();
            if (data.equals("[DONE]")) {
                done = true;
            } else {
                chunks.add(JsonPath.from(data));
            }
        }
        return new Sse(chunks, done, errors);
    }

    String content() {
        StringBuilder text = new StringBuilder();
        for (JsonPath chunk : chunks) {
            String piece = chunk.getString("choices[0].delta.content");
            if (piece != null) {
                text.append(piece);
            }
        }
        return text.toString();
    }

    String finishReason() {
        String reason = null;
        for (JsonPath chunk : chunks) {
            String r = chunk.getString("choices[0].finish_reason");
            if (r != null) {
                reason = r;
            }
        }
        return reason;
    }

    int completionTokens() {
        for (JsonPath chunk : chunks) {
            if (chunk.get("usage") != null) {
                return chunk.getInt("usage.completion_tokens");
            }
        }
        return -1;
    }
}
