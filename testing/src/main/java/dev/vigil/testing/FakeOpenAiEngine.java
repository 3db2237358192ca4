package dev.vigil.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import dev.vigil.testing.FakeHttpServer.Answer;
import dev.vigil.testing.FakeHttpServer.Request;

/**
 * A small deterministic OpenAI-compatible inference server for tests: it stands for vLLM and SGLang
 * as the worker sees them (streaming {@code /v1/completions} and {@code /v1/chat/completions} with
 * {@code stream_options.include_usage} and vLLM's {@code continuous_usage_stats}, {@code /health},
 * {@code /v1/models}, vLLM's Prometheus names at {@code /metrics}, chat continuation with {@code
 * continue_final_message} and {@code add_generation_prompt: false}). It is not a model: each "token"
 * is a word (some with multi-byte UTF-8 characters) chosen by a hash of the whole text so far, so
 * the same text always continues the same way, which is what makes migration's exactness testable.
 * A request continued from the prompt plus its first part's text (completions) or from a final
 * assistant message (chat) produces exactly the rest of the uninterrupted answer.
 *
 * <p>Faults for tests ({@link #mode}): an HTTP 500, HTML, malformed JSON, an error event, a stream
 * that ends without a finish reason, a connection cut after some tokens, a hang, a full engine (429
 * or 503 with Retry-After); and the health
 * route's status. It counts requests and sees a client that goes away ({@link #cancelled()}). A
 * request that finds every thread busy and {@value #MAX_QUEUED} already waiting is answered 503 at
 * once and counted ({@link #refused()}).
 *
 * <p>Runs in process ({@link #start}) or as its own process ({@link #main}, see {@link
 * FakeEngineProcess}), with {@code GET /fake/stats} and {@code POST /fake/health?status=},
 * {@code POST /fake/mode?mode=} for a test in another process.
 *
 * <p>Its parts: {@link FakeHttpServer} (the routes, the bounded threads and queue), {@link
 * EngineText} (the words and the chat template), {@link GenerationRequest} (what a request asks),
 * {@link SseWriter} (the chunks and events).
 */
public final class FakeOpenAiEngine implements AutoCloseable {

    /** What the next requests do. */
    public enum Mode {
        NORMAL,
        HTTP_500,
        HTML,
        MALFORMED_JSON,
        ERROR_EVENT,
        NO_FINISH_REASON,
        /** The connection is closed after {@value #CUT_AFTER} tokens, as when the engine dies. */
        CUT,
        /** Headers are sent, then nothing, until the mode changes. */
        HANG,
        /** 429 with {@code Retry-After: 2}: every slot is busy (vLLM's and SGLang's overload answer). */
        FULL_429,
        /** 503 with {@code Retry-After: 2}: the queue is full (llama.cpp's and a proxy's answer). */
        FULL_503
    }

    static final int CUT_AFTER = 3;
    /** Tokens generated when a request gives no {@code max_tokens}. */
    public static final int DEFAULT_MAX_TOKENS = 64;

    private final ObjectMapper json = new ObjectMapper();
    private final FakeHttpServer server;
    /**
     * One thread per exchange while it lasts (a stream sleeps between tokens, a HANG holds its thread
     * until the mode changes), so the bound must exceed the streams a test keeps open at once: tests
     * open a handful, and 256 leaves room for a control request ({@code /mode}, {@code /health})
     * while many streams hang. Bounded so that a runaway client (a retry loop against a hung engine)
     * waits in a bounded queue ({@link #MAX_QUEUED}) instead of starting threads without end; idle
     * threads end after 30 s.
     */
    private static final int MAX_THREADS = 256;

    /**
     * Requests that may wait for a thread while all {@value #MAX_THREADS} are busy; one more is
     * answered 503 at once ({@link #refused()}) rather than queued without end.
     */
    public static final int MAX_QUEUED = 256;

    private static final Set<String> GENERATION = Set.of("/v1/completions", "/v1/chat/completions");

    private final SseWriter sse;
    private final String model;
    private final long itlMillis;
    private volatile Mode mode = Mode.NORMAL;
    private volatile int healthStatus = 200;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    private FakeOpenAiEngine(int port, String model, long itlMillis, int maxThreads, int maxQueued) {
        this.model = model;
        this.itlMillis = itlMillis;
        this.sse = new SseWriter(json, model);
        server = FakeHttpServer.builder()
                .port(port)
                .name("fake-engine")
                .threads(maxThreads)
                .queued(maxQueued)
                .refusal(Answer.json(
                                503,
                                "{\"error\":{\"message\":\"fake engine: every thread busy and the queue full\","
                                        + "\"type\":\"unavailable_error\",\"code\":503}}")
                        .header("Retry-After", "1"))
                .start();
        server
                .route("GET", "/health", r -> Answer.json(healthStatus, "{}"))
                .route(
                        "GET",
                        "/v1/models",
                        r -> Answer.json(
                                200,
                                "{\"object\":\"list\",\"data\":[{\"id\":" + json.writeValueAsString(model)
                                        + ",\"object\":\"model\",\"owned_by\":\"fake\"}]}"))
                .route("GET", "/metrics", r -> Answer.of(200, "text/plain; version=0.0.4", metrics()))
                .route("GET", "/fake/stats", r -> Answer.json(200, stats()))
                .route("POST", "/fake/health", r -> {
                    healthStatus = Integer.parseInt(r.query("status"));
                    return Answer.of(204, "text/plain", "");
                })
                .route("POST", "/fake/mode", r -> {
                    mode = Mode.valueOf(r.query("mode").toUpperCase(Locale.ROOT));
                    return Answer.of(204, "text/plain", "");
                })
                .stream("POST", "/v1/completions", (r, exchange) -> generate(r, exchange, false))
                .stream("POST", "/v1/chat/completions", (r, exchange) -> generate(r, exchange, true))
                .otherwise(Answer.json(404, "{\"detail\":\"Not Found\"}"));
    }

    /** Starts one on {@code port} (0: any free port) serving {@code model}, {@code itlMillis} between tokens. */
    public static FakeOpenAiEngine start(int port, String model, long itlMillis) {
        return start(port, model, itlMillis, MAX_THREADS, MAX_QUEUED);
    }

    /** As {@link #start(int, String, long)} with other bounds, for a test of the bounds themselves. */
    static FakeOpenAiEngine start(int port, String model, long itlMillis, int maxThreads, int maxQueued) {
        return new FakeOpenAiEngine(port, model, itlMillis, maxThreads, maxQueued);
    }

    /** {@code java ... FakeOpenAiEngine <port> <model> <itl-ms>}: serves until killed. */
    public static void main(String[] args) throws Exception {
        FakeOpenAiEngine engine = start(Integer.parseInt(args[0]), args[1], Long.parseLong(args[2]));
        System.out.println("fake engine listening on 127.0.0.1:" + engine.port() + ", model " + args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake engine stopping (SIGTERM)")));
        Thread.currentThread().join();
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public void healthStatus(int status) {
        this.healthStatus = status;
    }

    public int started() {
        return started.get();
    }

    public int completed() {
        return completed.get();
    }

    /** Requests whose client went away before the end. */
    public int cancelled() {
        return cancelled.get();
    }

    public int running() {
        return running.get();
    }

    /** Requests answered 503 at once because every thread was busy and the queue full. */
    public int refused() {
        return server.refused();
    }

    /** The bodies of the generation requests received, in order. */
    public List<String> requests() {
        return server.requests().stream()
                .filter(r -> r.method().equals("POST") && GENERATION.contains(r.path()))
                .map(Request::body)
                .toList();
    }

    /**
     * The full answer to a completion of {@code prompt}: {@code tokens} words, the same every time, and
     * continuing {@code prompt + answer(prompt, k)} gives the remaining words.
     */
    public static List<String> answer(String text, int tokens) {
        return EngineText.answer(text, tokens);
    }

    /** The text a chat of one user message continues from: {@link #renderChat} of it. */
    public static String userChat(String content) {
        return EngineText.userChat(content);
    }

    /** How the chat template renders {@code messages}, the assistant's turn left open. */
    public static String renderChat(JsonNode messages, boolean continueFinal) {
        return EngineText.renderChat(messages, continueFinal);
    }

    private String stats() {
        try {
            return json.writeValueAsString(Map.of(
                    "started", started.get(),
                    "completed", completed.get(),
                    "cancelled", cancelled.get(),
                    "running", running.get(),
                    "refused", server.refused(),
                    "pid", ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String metrics() {
        return "# TYPE vllm:num_requests_running gauge\n"
                + "vllm:num_requests_running{model_name=\"" + model + "\"} " + running.get() + ".0\n"
                + "# TYPE vllm:num_requests_waiting gauge\n"
                + "vllm:num_requests_waiting{model_name=\"" + model + "\"} 0.0\n"
                + "# TYPE vllm:kv_cache_usage_perc gauge\n"
                + "vllm:kv_cache_usage_perc{model_name=\"" + model + "\"} " + (running.get() > 0 ? "0.25" : "0.0")
                + "\n"
                + "# TYPE vllm:cache_config_info gauge\n"
                + "vllm:cache_config_info{block_size=\"16\",num_gpu_blocks=\"2048\"} 1.0\n";
    }

    private void generate(Request received, HttpExchange exchange, boolean chat) throws IOException {
        JsonNode request = json.readTree(received.body());
        if (!request.path("model").asText().equals(model)) {
            send(exchange, Answer.json(404, "{\"error\":{\"message\":\"The model does not exist.\"}}"));
            return;
        }
        Mode now = mode;
        switch (now) {
            case HTTP_500 -> {
                send(exchange, Answer.json(500, "{\"error\":{\"message\":\"EngineCore died\"}}"));
                return;
            }
            case HTML -> {
                send(exchange, Answer.of(200, "text/html", "<html><body>502 Bad Gateway</body></html>"));
                return;
            }
            case FULL_429, FULL_503 -> {
                send(
                        exchange,
                        Answer.json(
                                        now == Mode.FULL_429 ? 429 : 503,
                                        "{\"error\":{\"message\":\"no free slot\",\"type\":\"unavailable_error\"}}")
                                .header("Retry-After", "2"));
                return;
            }
            default -> {}
        }
        GenerationRequest asked = GenerationRequest.parse(request, chat);
        List<String> pieces = asked.pieces();
        started.incrementAndGet();
        running.incrementAndGet();
        exchange.getResponseHeaders().set("content-type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            if (now == Mode.HANG) {
                while (mode == Mode.HANG) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
            }
            if (now == Mode.MALFORMED_JSON) {
                event(out, "{\"choices\":[{\"text\": \"unterminated");
                return;
            }
            if (now == Mode.ERROR_EVENT) {
                event(out, "{\"error\":{\"message\":\"CUDA error: an illegal memory access\",\"code\":500}}");
                return;
            }
            for (int i = 0; i < pieces.size(); i++) {
                if (now == Mode.CUT && i == CUT_AFTER) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(itlMillis);
                boolean last = i == pieces.size() - 1 && now != Mode.NO_FINISH_REASON;
                event(
                        out,
                        sse.chunk(
                                chat,
                                pieces.get(i),
                                last ? asked.finish() : null,
                                asked.continuousUsage() ? i + 1 : -1));
            }
            if (asked.usage()) {
                event(
                        out,
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":"
                                + asked.context().length() + ",\"completion_tokens\":" + pieces.size() + "}}");
            }
            event(out, "[DONE]");
            completed.incrementAndGet();
        } catch (IOException gone) {
            // The client closed the connection: a real engine aborts the request here.
            cancelled.incrementAndGet();
            System.out.println("fake engine: client closed the request");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
    }

    private static void event(OutputStream out, String data) throws IOException {
        SseWriter.event(out, data);
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        FakeHttpServer.send(exchange, answer);
    }

    @Override
    public void close() {
        server.close();
    }
}
