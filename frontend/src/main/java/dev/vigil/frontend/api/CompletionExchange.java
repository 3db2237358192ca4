package dev.vigil.frontend.api;

import java.io.IOException;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerResponse;

import dev.vigil.frontend.api.CompletionRequest.Kind;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;

/**
 * One OpenAI request in flight: turns the worker's token stream into an SSE stream or one JSON body.
 * Response headers are sent with the first token, so a request that never reaches a worker still
 * gets a proper HTTP error; once streaming, an error becomes an SSE {@code event: error}. If the
 * client goes away the worker is told to drop the request.
 */
final class CompletionExchange implements ResponseObserver {

    private static final Logger LOG = Logger.getLogger(CompletionExchange.class);

    private final HttpServerResponse response;
    private final CompletionRequest request;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final int promptTokens;
    private final ObjectMapper json;
    private final StringBuilder text = new StringBuilder();
    private int completionTokens;
    private String finishReason;
    private boolean headersSent;
    private volatile boolean finished;
    private volatile ResponseStream stream;

    CompletionExchange(
            HttpServerResponse response,
            CompletionRequest request,
            String requestId,
            int promptTokens,
            ObjectMapper json) {
        this.response = response;
        this.request = request;
        this.id = (request.kind() == Kind.CHAT ? "chatcmpl-" : "cmpl-") + requestId;
        this.promptTokens = promptTokens;
        this.json = json;
        response.closeHandler(v -> clientGone());
    }

    void attach(ResponseStream stream) {
        this.stream = stream;
        if (finished) {
            stream.kill();
        }
    }

    private void clientGone() {
        if (!finished) {
            finished = true;
            LOG.warnf("Connection closed unexpectedly; issuing cancellation for %s", id);
            ResponseStream s = stream;
            if (s != null) {
                s.kill();
            }
        }
    }

    @Override
    public void onData(byte[] data) {
        if (finished) {
            return;
        }
        EngineOutput out;
        try {
            out = json.readValue(data, EngineOutput.class);
        } catch (IOException e) {
            onError(new StreamError.Backend("unreadable engine output: " + e.getMessage()));
            return;
        }
        List<Integer> ids = out.tokenIds() == null ? List.of() : out.tokenIds();
        String piece = out.text() == null ? "" : out.text();
        completionTokens += ids.size();
        text.append(piece);
        if (out.finishReason() != null) {
            finishReason = out.finishReason();
        }
        if (request.stream() && !piece.isEmpty()) {
            sendEvent(chunk(piece, null));
        }
    }

    @Override
    public void onComplete() {
        if (finished) {
            return;
        }
        finished = true;
        String reason = finishReason == null ? EngineOutput.STOP : finishReason;
        if (request.stream()) {
            sendEvent(chunk(null, reason));
            if (request.includeUsage()) {
                ObjectNode usageChunk =
                        envelope(request.kind() == Kind.CHAT ? "chat.completion.chunk" : "text_completion");
                usageChunk.putArray("choices");
                usageChunk.set("usage", usage());
                sendEvent(usageChunk);
            }
            response.end("data: [DONE]\n\n");
        } else {
            response.setStatusCode(200)
                    .putHeader("content-type", "application/json")
                    .end(write(whole(reason)));
        }
    }

    @Override
    public void onError(StreamError error) {
        if (finished) {
            return;
        }
        ApiError apiError = error instanceof StreamError.Backend
                ? ApiError.internal("Backend error: " + error.message())
                : ApiError.unavailable(error.getClass().getSimpleName() + ": " + error.message());
        fail(apiError);
    }

    /** Ends the exchange with an error: an HTTP error before streaming started, an SSE error event after. */
    void fail(ApiError error) {
        finished = true;
        if (headersSent) {
            response.end("event: error\ndata: " + write(error.toJson()) + "\n\n");
        } else {
            OpenAiRoutes.sendError(response, error);
        }
    }

    private void sendEvent(ObjectNode event) {
        if (!headersSent) {
            headersSent = true;
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache");
        }
        response.write("data: " + write(event) + "\n\n");
    }

    private ObjectNode envelope(String object) {
        ObjectNode node = json.createObjectNode();
        node.put("id", id);
        node.put("object", object);
        node.put("created", created);
        node.put("model", request.model());
        return node;
    }

    private ObjectNode chunk(String piece, String reason) {
        boolean chat = request.kind() == Kind.CHAT;
        ObjectNode node = envelope(chat ? "chat.completion.chunk" : "text_completion");
        ObjectNode choice = node.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (!headersSent) {
                delta.put("role", "assistant");
            }
            if (piece != null) {
                delta.put("content", piece);
            }
        } else {
            choice.put("text", piece == null ? "" : piece);
        }
        choice.putNull("logprobs");
        if (reason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", reason);
        }
        return node;
    }

    private ObjectNode whole(String reason) {
        boolean chat = request.kind() == Kind.CHAT;
        ObjectNode node = envelope(chat ? "chat.completion" : "text_completion");
        ArrayNode choices = node.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text.toString());
        } else {
            choice.put("text", text.toString());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", reason);
        node.set("usage", usage());
        return node;
    }

    private ObjectNode usage() {
        ObjectNode usage = json.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
