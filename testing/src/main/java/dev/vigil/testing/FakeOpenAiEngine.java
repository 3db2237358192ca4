package dev.vigil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

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
 * route's status. It counts requests and sees a client that goes away ({@link #cancelled()}).
 *
 * <p>Runs in process ({@link #start}) or as its own process ({@link #main}, see {@link
 * FakeEngineProcess}), with {@code GET /fake/stats} and {@code POST /fake/health?status=},
 * {@code POST /fake/mode?mode=} for a test in another process.
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

    private static final String[] WORDS = {
        " the", " engine", " stream", " héllo", " naïve", " 日本語", " 🙂", " worker", " health", " check", ",",
        " migrates", " exactly", " ünïcödé", " text", " — and", " tokens", " Ω", " data", " ✓", " café", " again",
        " résumé", " 中文"
    };

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    /**
     * One thread per exchange while it lasts (a stream sleeps between tokens, a HANG holds its thread
     * until the mode changes), so the bound must exceed the streams a test keeps open at once: tests
     * open a handful, and 256 leaves room for a control request ({@code /mode}, {@code /health})
     * while many streams hang. Bounded so that a runaway client (a retry loop against a hung engine)
     * queues instead of starting threads without end; idle threads end after 30 s.
     */
    private static final int MAX_THREADS = 256;

    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ThreadPoolExecutor threads =
            new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "fake-engine-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    private final String model;
    private final long itlMillis;
    private volatile Mode mode = Mode.NORMAL;
    private volatile int healthStatus = 200;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

    private FakeOpenAiEngine(int port, String model, long itlMillis) throws IOException {
        this.model = model;
        this.itlMillis = itlMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        threads.allowCoreThreadTimeOut(true);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts one on {@code port} (0: any free port) serving {@code model}, {@code itlMillis} between tokens. */
    public static FakeOpenAiEngine start(int port, String model, long itlMillis) {
        try {
            return new FakeOpenAiEngine(port, model, itlMillis);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code java ... FakeOpenAiEngine <port> <model> <itl-ms>}: serves until killed. */
    public static void main(String[] args) throws Exception {
        FakeOpenAiEngine engine = start(Integer.parseInt(args[0]), args[1], Long.parseLong(args[2]));
        System.out.println("fake engine listening on 127.0.0.1:" + engine.port() + ", model " + args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake engine stopping (SIGTERM)")));
        Thread.currentThread().join();
    }

    public int port() {
        return server.getAddress().getPort();
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

    /** The bodies of the generation requests received, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * The full answer to a completion of {@code prompt}: {@code tokens} words, the same every time, and
     * continuing {@code prompt + answer(prompt, k)} gives the remaining words.
     */
    public static List<String> answer(String text, int tokens) {
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

    /** The text a chat of one user message continues from: {@link #renderChat} of it. */
    public static String userChat(String content) {
        return "user: " + content + "\nassistant: ";
    }

    /** How the chat template renders {@code messages}, the assistant's turn left open. */
    public static String renderChat(JsonNode messages, boolean continueFinal) {
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

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (method + " " + path) {
                case "GET /health" -> send(exchange, healthStatus, "application/json", "{}");
                case "GET /v1/models" -> send(
                        exchange,
                        200,
                        "application/json",
                        "{\"object\":\"list\",\"data\":[{\"id\":" + json.writeValueAsString(model)
                                + ",\"object\":\"model\",\"owned_by\":\"fake\"}]}");
                case "GET /metrics" -> send(exchange, 200, "text/plain; version=0.0.4", metrics());
                case "GET /fake/stats" -> send(
                        exchange,
                        200,
                        "application/json",
                        json.writeValueAsString(Map.of(
                                "started", started.get(),
                                "completed", completed.get(),
                                "cancelled", cancelled.get(),
                                "running", running.get(),
                                "pid", ProcessHandle.current().pid())));
                case "POST /fake/health" -> {
                    healthStatus = Integer.parseInt(query(exchange, "status"));
                    send(exchange, 204, "text/plain", "");
                }
                case "POST /fake/mode" -> {
                    mode = Mode.valueOf(query(exchange, "mode").toUpperCase(Locale.ROOT));
                    send(exchange, 204, "text/plain", "");
                }
                case "POST /v1/completions" -> generate(exchange, false);
                case "POST /v1/chat/completions" -> generate(exchange, true);
                default -> send(exchange, 404, "application/json", "{\"detail\":\"Not Found\"}");
            }
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

    private static String query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("missing " + name);
    }

    private void generate(HttpExchange exchange, boolean chat) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        requests.add(body);
        JsonNode request = json.readTree(body);
        if (!request.path("model").asText().equals(model)) {
            send(exchange, 404, "application/json", "{\"error\":{\"message\":\"The model does not exist.\"}}");
            return;
        }
        Mode now = mode;
        switch (now) {
            case HTTP_500 -> {
                send(exchange, 500, "application/json", "{\"error\":{\"message\":\"EngineCore died\"}}");
                return;
            }
            case HTML -> {
                send(exchange, 200, "text/html", "<html><body>502 Bad Gateway</body></html>");
                return;
            }
            case FULL_429, FULL_503 -> {
                exchange.getResponseHeaders().add("Retry-After", "2");
                send(
                        exchange,
                        now == Mode.FULL_429 ? 429 : 503,
                        "application/json",
                        "{\"error\":{\"message\":\"no free slot\",\"type\":\"unavailable_error\"}}");
                return;
            }
            default -> {}
        }
        String context = chat
                ? renderChat(
                        request.path("messages"),
                        request.path("continue_final_message").asBoolean(false))
                : request.path("prompt").asText();
        int max = request.path("max_tokens").asInt(DEFAULT_MAX_TOKENS);
        List<String> pieces = answer(context, max);
        String finish = "length";
        List<String> stops = new ArrayList<>();
        request.path("stop").forEach(s -> stops.add(s.asText()));
        if (request.path("stop").isTextual()) {
            stops.add(request.path("stop").asText());
        }
        String whole = String.join("", pieces);
        int cut = stops.stream()
                .mapToInt(whole::indexOf)
                .filter(i -> i >= 0)
                .min()
                .orElse(-1);
        if (cut >= 0) {
            finish = "stop";
            List<String> kept = new ArrayList<>();
            int at = 0;
            for (String piece : pieces) {
                if (at + piece.length() >= cut) {
                    kept.add(piece.substring(0, cut - at));
                    break;
                }
                kept.add(piece);
                at += piece.length();
            }
            pieces = kept;
        }
        boolean continuous =
                request.path("stream_options").path("continuous_usage_stats").asBoolean(false);
        boolean usage = request.path("stream_options").path("include_usage").asBoolean(false);
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
                event(out, chunk(chat, pieces.get(i), last ? finish : null, continuous ? i + 1 : -1));
            }
            if (usage) {
                event(
                        out,
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":" + context.length() + ",\"completion_tokens\":"
                                + pieces.size() + "}}");
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

    private String chunk(boolean chat, String piece, String finish, int completionTokens) throws IOException {
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
    private static void event(OutputStream out, String data) throws IOException {
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

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
