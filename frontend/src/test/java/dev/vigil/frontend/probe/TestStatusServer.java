package dev.vigil.frontend.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a free loopback port standing in for a worker's system status server: it
 * answers with whatever status and delay the test sets, and records every request it receives.
 */
final class TestStatusServer implements AutoCloseable {

    /** One request as received. */
    record Seen(String method, String path, Map<String, List<String>> headers, String body, long arrivedNanos) {}

    private final HttpServer server;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final List<Long> finishedNanos = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile int status = 200;
    volatile long delayMillis;
    volatile String location;

    TestStatusServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int hits(String path) {
        return (int) seen.stream().filter(s -> s.path().equals(path)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            seen.add(new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body,
                    System.nanoTime()));
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : answer.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            finishedNanos.add(System.nanoTime());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
