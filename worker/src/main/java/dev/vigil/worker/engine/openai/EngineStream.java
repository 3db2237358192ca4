package dev.vigil.worker.engine.openai;

import static dev.vigil.worker.engine.openai.EngineMessages.excerpt;
import static dev.vigil.worker.engine.openai.EngineMessages.message;

import java.util.Collections;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;

/**
 * One request streaming from the engine: its SSE chunks become {@link EngineOutput}s for the sink,
 * and ending it early closes the HTTP request, so the engine sees the client go and frees its slot.
 *
 * <p>Token counts: OpenAI chunks carry text, not token ids. Each output carries the engine's token
 * ids when it returns them ({@code token_ids}, vLLM's {@code return_token_ids}); otherwise as many
 * placeholder ids ({@code 0}) as the chunk had tokens, counted from vLLM's per-chunk usage ({@code
 * continuous_usage_stats}) or, without it, one per chunk with text; the final usage chunk corrects
 * the total on the last output. The frontend only counts them (usage, {@code max_tokens} left after
 * a migration), so the count is what matters.
 *
 * <p>An answer that is not a well-formed stream (an HTTP error status, HTML, malformed JSON, an
 * error object, a stream that ends without a finish reason, a broken connection) ends the request
 * with {@link TokenSink#onEngineError}, which the frontend may migrate; only a 4xx that says the
 * request itself is bad is a plain error. An engine that says it is full (429, or 503: it answers
 * only once loaded, so a 503 then means no free slot or queue) is {@link TokenSink#onBusy}: busy is
 * not dead, the frontend tries another worker and nothing counts against this one. Sink calls hold this object's lock, so they never overlap
 * and nothing reaches the sink after {@link #kill()}.
 */
final class EngineStream implements Generation {

    private static final Logger LOG = Logger.getLogger(EngineStream.class);

    /** What ends the stream, for the engine's bookkeeping. */
    interface Listener {
        void ended(EngineStream stream);
    }

    private final String requestId;
    /** What was sent; replaced once before sending when a continuation is made of token ids. */
    private volatile EngineRequest request;

    private final TokenSink sink;
    private final ObjectMapper json;
    private final Listener listener;
    private final SseParser parser = new SseParser(this::event);

    private HttpClientRequest http;
    /** The engine's event stream while it is read, and the context it is read on; guarded by this. */
    private HttpClientResponse reading;

    private io.vertx.core.Context readingContext;
    private boolean paused;
    private boolean ended;
    private int tokens;
    private int reportedTotal = -1;
    private String finishReason;

    EngineStream(String requestId, EngineRequest request, TokenSink sink, ObjectMapper json, Listener listener) {
        this.requestId = requestId;
        this.request = request;
        this.sink = sink;
        this.json = json;
        this.listener = listener;
    }

    String requestId() {
        return requestId;
    }

    /** The request to send instead of the one this stream was made with (before it is sent). */
    void request(EngineRequest replacement) {
        this.request = replacement;
    }

    EngineRequest request() {
        return request;
    }

    /** Whether the stream already ended (stopped or killed while its request was being prepared). */
    synchronized boolean ended() {
        return ended;
    }

    /** The HTTP request is open; if the stream already ended, it is closed at once. */
    synchronized void attach(HttpClientRequest http) {
        this.http = http;
        if (ended) {
            http.reset();
        }
    }

    /** The engine answered: a 2xx event stream is read, anything else ends the request. */
    void response(HttpClientResponse response) {
        int status = response.statusCode();
        String type = response.getHeader("content-type");
        boolean eventStream =
                type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
        if (status / 100 == 2 && eventStream) {
            response.handler(buffer -> feed(buffer.getBytes()));
            response.endHandler(ignored -> closed());
            response.exceptionHandler(e -> failEngine("the connection to the engine broke: " + message(e)));
            synchronized (this) {
                reading = response;
                readingContext = io.vertx.core.Vertx.currentContext();
                if (paused) {
                    response.pause();
                }
            }
            return;
        }
        // Read a little of the answer to say what it was, then give up on it.
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() < 4 * EngineMessages.EXCERPT_CHARS) {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(e -> badAnswer(response, status, type, body));
        response.endHandler(ignored -> badAnswer(response, status, type, body));
    }

    private static String retryAfter(HttpClientResponse response) {
        String value = response.getHeader("retry-after");
        return value == null ? "" : " (Retry-After: " + excerpt(value) + ")";
    }

    private void badAnswer(HttpClientResponse response, int status, String type, Buffer body) {
        String excerpt = excerpt(body.toString(java.nio.charset.StandardCharsets.UTF_8));
        if (status / 100 == 2) {
            failEngine("the engine answered " + (type == null ? "no content type" : type)
                    + " instead of an event stream: " + excerpt);
        } else if (status == 429 || status == 503) {
            busy("the engine is full: HTTP " + status + retryAfter(response) + ": " + excerpt);
        } else if (status / 100 == 4 && status != 408) {
            // The engine refused the request itself (a parameter it rejects): another engine of the
            // same kind would too, so this is the client's error to see, not one to migrate.
            fail("the engine rejected the request with HTTP " + status + ": " + excerpt);
        } else {
            failEngine("the engine answered HTTP " + status + ": " + excerpt);
        }
    }

    /** The HTTP request could not be sent or answered at all. */
    void failed(Throwable failure) {
        failEngine("could not reach the engine: " + message(failure));
    }

    private void feed(byte[] bytes) {
        try {
            parser.feed(bytes);
        } catch (IllegalStateException e) {
            failEngine("the engine sent " + e.getMessage());
        }
    }

    private void event(String data) {
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        EngineChunk chunk = EngineChunk.parse(data, json, request);
        if (chunk instanceof EngineChunk.Done) {
            done();
        } else if (chunk instanceof EngineChunk.Broken broken) {
            failEngine(broken.message());
        } else if (chunk instanceof EngineChunk.Usage usage) {
            if (usage.total() != null) {
                synchronized (this) {
                    reportedTotal = usage.total();
                }
            }
        } else if (chunk instanceof EngineChunk.Choice choice) {
            output(choice);
        }
    }

    /** A choice's text and tokens go to the sink; its usage and finish reason are kept for the end. */
    private void output(EngineChunk.Choice choice) {
        String text = choice.text();
        List<Integer> ids = choice.engineIds().isEmpty() ? placeholders(text, choice.total()) : choice.engineIds();
        synchronized (this) {
            if (ended) {
                return;
            }
            if (!text.isEmpty() || !ids.isEmpty()) {
                tokens += ids.size();
                sink.onOutput(new EngineOutput(ids, text, null));
            }
            if (choice.total() != null) {
                reportedTotal = choice.total();
            }
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
        }
    }

    /** Placeholder ids, as many as the chunk had tokens (by the usage so far, else one with text). */
    private List<Integer> placeholders(String text, Integer total) {
        int count;
        synchronized (this) {
            count = total != null ? Math.max(0, total - tokens) : (text.isEmpty() ? 0 : 1);
        }
        return Collections.nCopies(count, 0);
    }

    /** {@code [DONE]}: the stream is complete if a finish reason came. */
    private void done() {
        String reason;
        synchronized (this) {
            reason = finishReason;
        }
        if (reason == null) {
            failEngine("the engine's stream ended without a finish reason");
        } else if (reason.equals("abort")) {
            failEngine("the engine aborted the request");
        } else {
            finish(reason);
        }
    }

    /** The connection ended: after a finish reason that is the end (some servers send no [DONE]). */
    private void closed() {
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        done();
    }

    private void finish(String reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            int missing = Math.max(0, reportedTotal - tokens);
            sink.onOutput(new EngineOutput(Collections.nCopies(missing, 0), "", reason));
            sink.onEnd();
        }
        // The HTTP request stays open: the engine is ending it, and its connection can be reused.
        listener.ended(this);
    }

    private void failEngine(String message) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            LOG.warnf("Request %s failed at the engine: %s", requestId, message);
            sink.onEngineError(message);
        }
        listener.ended(this);
        closeQuietly();
    }

    private void busy(String message) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            LOG.infof("Request %s not taken: %s", requestId, message);
            sink.onBusy(message);
        }
        listener.ended(this);
        closeQuietly();
    }

    private void fail(String message) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            LOG.infof("Request %s refused by the engine: %s", requestId, message);
            sink.onError(message);
        }
        listener.ended(this);
        closeQuietly();
    }

    /** The engine is closing: the request fails (migratable: it was not the request's fault). */
    void engineClosed() {
        failEngine("the engine was closed");
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            LOG.infof("Aborted Request ID: %s", requestId);
            sink.onOutput(new EngineOutput(List.of(), "", EngineOutput.CANCELLED));
            sink.onEnd();
        }
        listener.ended(this);
        closeQuietly();
    }

    @Override
    public void kill() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            LOG.infof("Aborted Request ID: %s", requestId);
        }
        listener.ended(this);
        closeQuietly();
    }

    /**
     * Stops reading the engine's response: Vert.x stops reading the socket once its small inbound
     * buffer is full, the kernel's buffers fill, and TCP pushes back on the engine, which stops
     * writing this request's tokens. Events already read still reach the sink (the plane holds them).
     */
    @Override
    public void pause() {
        synchronized (this) {
            if (ended || paused) {
                return;
            }
            paused = true;
            if (reading != null) {
                reading.pause();
            }
        }
    }

    @Override
    public void resume() {
        HttpClientResponse response;
        io.vertx.core.Context context;
        synchronized (this) {
            if (!paused) {
                return;
            }
            paused = false;
            response = reading;
            context = readingContext;
        }
        if (response == null) {
            return;
        }
        // On the response's own context: the credit that resumes it arrives on another thread.
        // A pause that came meanwhile wins, so the response is never read while paused.
        Runnable resumeIfStill = () -> {
            synchronized (this) {
                if (!paused) {
                    response.resume();
                }
            }
        };
        if (context != null) {
            context.runOnContext(ignored -> resumeIfStill.run());
        } else {
            resumeIfStill.run();
        }
    }

    /** Closes the HTTP request if it is still open: the engine sees its client go. */
    private void closeQuietly() {
        HttpClientRequest open;
        synchronized (this) {
            open = http;
        }
        if (open != null) {
            open.reset();
        }
    }
}
