package dev.vigil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server for tests, on 127.0.0.1 and a free port (or a given one): it answers each
 * {@code method + path} with what the test scripted ({@link #route}, {@link #stream}, {@link
 * #otherwise}), records every request it serves ({@link #requests()}, with arrival and end times
 * and the most served at once), and closes cleanly (its threads end with it).
 *
 * <p>At most {@link Builder#threads} requests are served at once and {@link Builder#queued} more
 * wait; one past both is answered at once with {@link Builder#refusal} (a 503 by default), counted
 * ({@link #refused()}) and not recorded.
 */
public final class FakeHttpServer implements AutoCloseable {

    /**
     * One request as received.
     *
     * @param uri the request target as sent: the path and the query, if any
     * @param headers as received (the JDK server capitalises each name's first letter)
     */
    public record Request(
            String method, String uri, Map<String, List<String>> headers, String body, long arrivedNanos) {

        /** The path, without the query. */
        public String path() {
            int query = uri.indexOf('?');
            return query < 0 ? uri : uri.substring(0, query);
        }

        /** The value of query parameter {@code name}, as sent (not decoded). */
        public String query(String name) {
            int at = uri.indexOf('?');
            for (String pair : at < 0 ? new String[0] : uri.substring(at + 1).split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
            throw new IllegalArgumentException("missing query parameter " + name + " in " + uri);
        }
    }

    /**
     * A scripted answer: {@code status}, {@code body} as {@code contentType} (none when null), extra
     * {@code headers}, sent after {@code delay}. No body is sent to a HEAD request or with a 204.
     */
    public record Answer(int status, String contentType, String body, Map<String, String> headers, Duration delay) {

        public static Answer of(int status, String contentType, String body) {
            return new Answer(status, contentType, body, Map.of(), Duration.ZERO);
        }

        public static Answer json(int status, String body) {
            return of(status, "application/json", body);
        }

        /** This answer with one more header. */
        public Answer header(String name, String value) {
            Map<String, String> more = new java.util.LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, contentType, body, Map.copyOf(more), delay);
        }

        /** This answer, sent {@code delay} after the request arrived. */
        public Answer delayed(Duration delay) {
            return new Answer(status, contentType, body, headers, delay);
        }
    }

    /** Answers a request with a scripted answer, chosen when it arrives. */
    @FunctionalInterface
    public interface Script {
        Answer answer(Request request) throws IOException;
    }

    /** Answers a request by writing the exchange itself (a stream, a hang, a cut connection). */
    @FunctionalInterface
    public interface Streamer {
        void stream(Request request, HttpExchange exchange) throws IOException;
    }

    /** The default refusal: every thread is busy and the queue full. */
    public static final Answer BUSY = Answer.json(
                    503,
                    "{\"error\":{\"message\":\"fake server: every thread busy and the queue full\","
                            + "\"type\":\"unavailable_error\",\"code\":503}}")
            .header("Retry-After", "1");

    /** What an unrouted request gets unless {@link #otherwise} says else. */
    public static final Answer NOT_FOUND = Answer.json(404, "{\"error\":\"no such route\"}");

    private final HttpServer server;
    private final BoundedExchanges threads;
    private final int port;
    private final Answer refusal;
    private final Map<String, Streamer> routes = new ConcurrentHashMap<>();
    private volatile Streamer otherwise = answering(r -> NOT_FOUND);
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> finishedNanos = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private FakeHttpServer(Builder builder) throws IOException {
        refusal = builder.refusal;
        threads = new BoundedExchanges(builder.name, builder.threads, builder.queued);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", builder.port), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    /** One on a free port with the default bounds. */
    public static FakeHttpServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How to start one. */
    public static final class Builder {
        private int port;
        private String name = "fake-http";
        private int threads = 256;
        private int queued = 256;
        private Answer refusal = BUSY;

        private Builder() {}

        /** The port to bind (0, the default: any free port). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The name of its threads. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Requests served at once (default 256): a stream or a delay holds its thread while it lasts. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Requests that may wait for a thread (default 256). */
        public Builder queued(int queued) {
            this.queued = queued;
            return this;
        }

        /** The answer to a request past the threads and the queue (default {@link #BUSY}). */
        public Builder refusal(Answer refusal) {
            this.refusal = refusal;
            return this;
        }

        public FakeHttpServer start() {
            try {
                return new FakeHttpServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Answers {@code method path} (the path without the query) with {@code answer}. */
    public FakeHttpServer route(String method, String path, Answer answer) {
        return route(method, path, r -> answer);
    }

    /** Answers {@code method path} with what {@code script} chooses for each request. */
    public FakeHttpServer route(String method, String path, Script script) {
        return stream(method, path, answering(script));
    }

    /** Answers {@code method path} by {@code streamer}, which writes the exchange itself. */
    public FakeHttpServer stream(String method, String path, Streamer streamer) {
        routes.put(method + " " + path, streamer);
        return this;
    }

    /** Answers every request no route matches with {@code answer} (by default {@link #NOT_FOUND}). */
    public FakeHttpServer otherwise(Answer answer) {
        return otherwise(r -> answer);
    }

    public FakeHttpServer otherwise(Script script) {
        otherwise = answering(script);
        return this;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, also after {@link #close()}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The requests served, in order of arrival. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Requests served whose target ({@link Request#uri()}, path and query) was {@code uri}. */
    public int hits(String uri) {
        return (int) requests().stream().filter(r -> r.uri().equals(uri)).count();
    }

    /** When each served request's answer ended ({@link System#nanoTime()}), in order of ending. */
    public List<Long> finishedNanos() {
        synchronized (finishedNanos) {
            return List.copyOf(finishedNanos);
        }
    }

    /** The most requests served at once so far. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Requests answered with the refusal because every thread was busy and the queue full. */
    public int refused() {
        return refused.get();
    }

    /** Sends {@code answer} on {@code exchange}, after its delay: for a {@link Streamer} that answers plainly. */
    public static void send(HttpExchange exchange, Answer answer) throws IOException {
        if (!answer.delay().isZero()) {
            try {
                Thread.sleep(answer.delay().toMillis());
            } catch (InterruptedException e) {
                // Closing the server: no answer.
                Thread.currentThread().interrupt();
                return;
            }
        }
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("content-type", answer.contentType());
        }
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        boolean bodiless = bytes.length == 0
                || answer.status() == 204
                || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(answer.status(), bodiless ? -1 : bytes.length);
        if (!bodiless) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Streamer answering(Script script) {
        return (request, exchange) -> send(exchange, script.answer(request));
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (BoundedExchanges.refusing()) {
            try (exchange) {
                refused.incrementAndGet();
                send(exchange, refusal);
            }
            return;
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            try (exchange) {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Request request = new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()),
                        body,
                        System.nanoTime());
                requests.add(request);
                routes.getOrDefault(request.method() + " " + request.path(), otherwise).stream(request, exchange);
            }
        } finally {
            inFlight.decrementAndGet();
            finishedNanos.add(System.nanoTime());
        }
    }

    /** Stops listening, closes its connections and ends its threads. */
    @Override
    public void close() {
        server.stop(0);
        threads.close();
    }
}
