package dev.vigil.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import io.restassured.path.json.JsonPath;

/**
 * One streamed chat completion (or completion) read as a client reads it, chunk by chunk with arrival times. After
 * each data chunk {@code onChunk(count, run)} runs; returning false closes the connection (a client
 * that goes away).
 */
final class StreamRun {

    final List<String> pieces = new ArrayList<>();
    final List<Long> arrivalsNanos = new ArrayList<>();
    String requestId;
    String finishReason;
    boolean done;
    boolean errorEvent;
    String errorData;
    int status;
    /** The last usage seen ({@code stream_options.include_usage}), or -1. */
    int completionTokens = -1;

    static StreamRun post(String url, String body, BiPredicate<Integer, StreamRun> onChunk)
            throws IOException, InterruptedException {
        return post(url, body, Map.of(), onChunk);
    }

    /** The same, with these request headers. */
    static StreamRun post(String url, String body, Map<String, String> headers, BiPredicate<Integer, StreamRun> onChunk)
            throws IOException, InterruptedException {
        StreamRun run = new StreamRun();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        run.status = response.statusCode();
        try (InputStream in = response.body()) {
            StringBuilder line = new StringBuilder();
            boolean nextIsError = false;
            int c;
            while ((c = in.read()) != -1) {
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String text = new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                line.setLength(0);
                if (text.startsWith("event: error")) {
                    nextIsError = true;
                } else if (text.startsWith("data: ")) {
                    String data = text.substring(6);
                    if (nextIsError) {
                        run.errorEvent = true;
                        run.errorData = data;
                        nextIsError = false;
                    } else if (data.equals("[DONE]")) {
                        run.done = true;
                    } else {
                        JsonPath chunk = JsonPath.from(data);
                        if (run.requestId == null) {
                            String id = chunk.getString("id");
                            run.requestId = id.substring(id.indexOf('-') + 1);
                        }
                        if (chunk.get("usage.completion_tokens") != null) {
                            run.completionTokens = chunk.getInt("usage.completion_tokens");
                        }
                        // A chat chunk's delta, or a completion chunk's text.
                        String piece = chunk.get("choices[0].delta") != null
                                ? chunk.getString("choices[0].delta.content")
                                : chunk.getString("choices[0].text");
                        String reason = chunk.getString("choices[0].finish_reason");
                        if (reason != null) {
                            run.finishReason = reason;
                        }
                        if (piece != null) {
                            run.pieces.add(piece);
                            run.arrivalsNanos.add(System.nanoTime());
                            if (!onChunk.test(run.pieces.size(), run)) {
                                return run; // closing the stream drops the connection
                            }
                        }
                    }
                }
            }
        }
        return run;
    }

    String content() {
        return String.join("", pieces);
    }

    /** The longest silence between two consecutive content chunks, in milliseconds. */
    long maxGapMillis() {
        long max = 0;
        for (int i = 1; i < arrivalsNanos.size(); i++) {
            max = Math.max(max, (arrivalsNanos.get(i) - arrivalsNanos.get(i - 1)) / 1_000_000);
        }
        return max;
    }
}
