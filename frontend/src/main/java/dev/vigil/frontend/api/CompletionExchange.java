package dev.vigil.frontend.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerResponse;

import dev.vigil.frontend.api.CompletionRequest.Kind;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.protocol.WireFormatException;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.ResponseStream;
import dev.vigil.runtime.transport.StreamError;

/**
 * One OpenAI request in flight: turns the worker's token stream into an SSE stream or one JSON body.
 * Response headers are sent with the first token, so a request that never reaches a worker still
 * gets a proper HTTP error; once streaming, an error becomes an SSE {@code event: error}. If the
 * client goes away the worker is told to drop the request.
 *
 * <p>Migration (Dynamo's migration operator): when the worker cannot be reached or its stream breaks,
 * the request is sent again, with the same id, to another instance, carrying the prompt plus every
 * token generated so far and {@code max_tokens} reduced by as many, so the client sees one continuous
 * stream. {@code DYN_MIGRATION_LIMIT} bounds the re-dispatches; a request that grew beyond {@code
 * DYN_MIGRATION_MAX_SEQ_LEN} tokens is not migrated.
 */
final class CompletionExchange {

    /** Sends one attempt of the request to an instance of the model, or says none is left. */
    interface Dispatcher {
        /** An instance to try, not quarantined; empty when there is none. */
        Optional<Instance> pick();

        ResponseStream send(Instance target, GenerateRequest request, ResponseObserver observer);

        /** The instance failed this request: keep traffic away from it for a while. */
        void reportDown(Instance target);
    }

    private static final Logger LOG = Logger.getLogger(CompletionExchange.class);

    private final HttpServerResponse response;
    private final CompletionRequest request;
    private final GenerateRequest original;
    private final Dispatcher dispatcher;
    private final FrontendMetrics metrics;
    private final int migrationLimit;
    private final Integer maxSeqLen;
    private final List<Integer> generated = new ArrayList<>();
    private final String requestId;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final int promptTokens;
    private final ObjectMapper json;
    private final StringBuilder text = new StringBuilder();
    private int completionTokens;
    private String finishReason;
    private boolean headersSent;
    private volatile boolean finished;
    private ResponseStream stream;
    private Instance current;
    private int attempt;
    private int migrationsLeft;
    private boolean migratable = true;

    CompletionExchange(
            HttpServerResponse response,
            CompletionRequest request,
            GenerateRequest original,
            String requestId,
            ObjectMapper json,
            Dispatcher dispatcher,
            FrontendMetrics metrics,
            int migrationLimit,
            Integer maxSeqLen) {
        this.response = response;
        this.request = request;
        this.original = original;
        this.requestId = requestId;
        this.id = (request.kind() == Kind.CHAT ? "chatcmpl-" : "cmpl-") + requestId;
        this.promptTokens = original.tokenIds().size();
        this.json = json;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.migrationLimit = migrationLimit;
        this.migrationsLeft = migrationLimit;
        this.maxSeqLen = maxSeqLen;
        response.closeHandler(v -> clientGone());
    }

    /** Sends the first attempt. */
    synchronized void start() {
        checkSequenceLength();
        Instance target = dispatcher.pick().orElse(null);
        if (target == null) {
            fail(ApiError.unavailable("Model temporarily unavailable: no live instance serves " + request.model()));
            return;
        }
        send(target);
    }

    private void send(Instance target) {
        current = target;
        int thisAttempt = ++attempt;
        stream = dispatcher.send(target, continuation(), new AttemptObserver(thisAttempt));
        if (finished) {
            stream.kill();
        }
    }

    /** The prompt plus what was generated so far, asking only for what is still missing. */
    private GenerateRequest continuation() {
        if (generated.isEmpty()) {
            return original;
        }
        List<Integer> tokens = new ArrayList<>(original.tokenIds());
        tokens.addAll(generated);
        StopConditions stop = original.stopConditions();
        Integer max = stop.maxTokens() == null ? null : Math.max(0, stop.maxTokens() - generated.size());
        return new GenerateRequest(original.model(), tokens, stop.withMaxTokens(max), original.samplingOptions());
    }

    /** Dynamo disables migration, once, for a sequence strictly longer than the limit. */
    private void checkSequenceLength() {
        int length = promptTokens + generated.size();
        if (migratable && maxSeqLen != null && length > maxSeqLen) {
            migratable = false;
            LOG.warnf("Sequence length %d exceeds migration max_seq_len %d, disabling migration", length, maxSeqLen);
            metrics.maxSeqLenExceeded(request.model());
        }
    }

    /** Routes one attempt's callbacks; those of an attempt that was given up are dropped. */
    private final class AttemptObserver implements ResponseObserver {
        private final int number;

        AttemptObserver(int number) {
            this.number = number;
        }

        @Override
        public void onData(byte[] data) {
            synchronized (CompletionExchange.this) {
                if (number == attempt) {
                    data(data);
                }
            }
        }

        @Override
        public void onComplete() {
            synchronized (CompletionExchange.this) {
                if (number == attempt) {
                    complete();
                }
            }
        }

        @Override
        public void onError(StreamError error) {
            synchronized (CompletionExchange.this) {
                if (number == attempt) {
                    error(error);
                }
            }
        }
    }

    private synchronized void clientGone() {
        if (!finished) {
            finished = true;
            LOG.warnf("Connection closed unexpectedly; issuing cancellation for %s", id);
            metrics.cancellation(
                    request.model(),
                    request.kind() == Kind.CHAT ? "chat_completions" : "completions",
                    request.stream());
            if (stream != null) {
                stream.kill();
            }
        }
    }

    private void data(byte[] data) {
        if (finished) {
            return;
        }
        EngineOutput out;
        try {
            out = WireCodec.decodeEngineOutput(data);
        } catch (WireFormatException e) {
            error(new StreamError.Backend("unreadable engine output: " + e.getMessage()));
            return;
        }
        List<Integer> ids = out.tokenIds() == null ? List.of() : out.tokenIds();
        String piece = out.text() == null ? "" : out.text();
        completionTokens += ids.size();
        generated.addAll(ids);
        checkSequenceLength();
        text.append(piece);
        if (out.finishReason() != null) {
            finishReason = out.finishReason();
        }
        if (request.stream() && !piece.isEmpty()) {
            sendEvent(chunk(piece, null));
        }
    }

    private void complete() {
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

    private void error(StreamError error) {
        if (finished) {
            return;
        }
        if (!(error instanceof StreamError.Backend)) {
            dispatcher.reportDown(current);
            if (migrate(error)) {
                return;
            }
        }
        ApiError apiError = error instanceof StreamError.Backend
                ? ApiError.internal("Backend error: " + error.message())
                : ApiError.unavailable(name(error) + ": " + error.message());
        fail(apiError);
    }

    /**
     * Re-dispatches after a transport failure if the budget and the sequence length allow. Returns
     * whether a new attempt is under way. The log lines and counters are Dynamo's: an ongoing stream's
     * disconnection is counted even when it cannot be recreated.
     */
    private boolean migrate(StreamError error) {
        boolean ongoing = error instanceof StreamError.Disconnected;
        if (ongoing) {
            LOG.warnf("Stream disconnected... recreating stream... %s: %s", name(error), error.message());
            metrics.migration(request.model(), FrontendMetrics.ONGOING_REQUEST);
        }
        if (!migratable || migrationsLeft == 0) {
            LOG.warnf("Cannot recreate stream: %s", migratable ? "Migration limit exhausted" : "migration disabled");
            return false;
        }
        Instance next = dispatcher.pick().orElse(null);
        if (next == null) {
            LOG.warnf("Cannot recreate stream: no instance left for %s", request.model());
            return false;
        }
        if (!ongoing) {
            LOG.warnf("Creating new stream... retrying... %s: %s", name(error), error.message());
            metrics.migration(request.model(), FrontendMetrics.NEW_REQUEST);
        }
        migrationsLeft--;
        LOG.infof(
                "Migrating request %s to instance %s (%d of %d, %d tokens generated)",
                requestId, next.id().hex(), migrationLimit - migrationsLeft, migrationLimit, generated.size());
        send(next);
        return true;
    }

    private static String name(StreamError error) {
        return error.getClass().getSimpleName();
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
