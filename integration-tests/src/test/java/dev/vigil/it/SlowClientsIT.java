package dev.vigil.it;

import static dev.vigil.runtime.config.EnvNames.DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS;
import static dev.vigil.runtime.config.EnvNames.DYN_MOCKER_NUM_BLOCKS;
import static dev.vigil.runtime.config.EnvNames.DYN_MOCKER_SPEEDUP_RATIO;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 26 with real processes and real sockets: streaming clients whose sockets have a 4 KiB
 * receive buffer and never read. Their streams are paused end to end (the frontend holds at most one
 * credit window per stream, the worker's mock engine stops generating), a well-behaved client beside
 * them is served, and after {@code DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS} they are cut: connections
 * closed, counted, in-flight back to 0 on both sides. A client that stops reading for a while and
 * then reads gets its whole stream.
 */
@Timeout(300)
class SlowClientsIT {

    static final Duration START = Duration.ofSeconds(90);
    static final int STALL_SECS = 4;
    static final int SLOW_CLIENTS = 8;
    /** What each slow client asks for: far more than flow control lets the engine make for it. */
    static final int TOKENS = 1_000_000;
    /** The TCP plane's credit window per stream (TcpWire.INITIAL_WINDOW), what a paused stream may hold. */
    static final long WINDOW = 64 * 1024;

    static Cluster cluster;
    static String api;
    /** A second frontend that waits long before cutting: for the client that resumes reading. */
    static Cluster.App patient;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("slow-clients")
                // As fast as the mock goes, with a cache that never fills: only flow control stops it.
                .workerEnv(DYN_MOCKER_SPEEDUP_RATIO, "1000", DYN_MOCKER_NUM_BLOCKS, "1000000")
                .frontendEnv(DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS, String.valueOf(STALL_SECS))
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
        patient = cluster.frontend("patient")
                .env(DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS, "600")
                .start()
                .awaitLive(START);
        FrontendClient.awaitWorkers(api, 1, START);
        FrontendClient.awaitWorkers(patient.url(), 1, START);
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    @Test
    void clientsThatStopReadingArePausedEndToEndThenCutWhileAnotherClientIsServed() throws Exception {
        String worker = cluster.worker(0).url();
        // What one token costs the worker on the wire, measured rather than assumed.
        double before = responseBytes(worker);
        given().contentType("application/json")
                .body("{\"model\":\"mock-model\",\"prompt\":\"measure\",\"max_tokens\":1000,\"ignore_eos\":true}")
                .post(api + "/v1/completions")
                .then()
                .statusCode(200);
        double bytesPerToken = (responseBytes(worker) - before) / 1000;

        double generatedBefore = responseBytes(worker);
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            slow.add(nonReadingStream(api, "slow client " + i));
        }
        // While they hold their streams, the frontend holds at most a credit window for each.
        AtomicLong mostHeld = new AtomicLong();
        AtomicBoolean watching = new AtomicBoolean(true);
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (watching.get()) {
                mostHeld.accumulateAndGet((long) metric(api, "vigil_frontend_stream_held_bytes"), Math::max);
            }
        });
        // A well-behaved client beside them: every request served.
        for (int i = 0; i < 20; i++) {
            assertEquals(200, FrontendClient.completion(api, "well behaved " + i, 5), "request " + i);
        }
        Awaitility.await("every slow client is cut after the stall timeout")
                .atMost(Duration.ofSeconds(STALL_SECS + 60))
                .until(() -> metric(api, "vigil_frontend_slow_clients_cut_total") == SLOW_CLIENTS);
        watching.set(false);
        watcher.join();

        Awaitility.await("in flight back to 0 at the frontend and the worker")
                .atMost(Duration.ofSeconds(20))
                .until(() -> metric(api, "dynamo_frontend_inflight_requests") == 0
                        && metric(worker, "dynamo_component_inflight_requests") == 0);
        assertEquals(0, metric(api, "vigil_frontend_stream_held_bytes"), "nothing held once they are cut");
        assertTrue(
                mostHeld.get() <= SLOW_CLIENTS * (WINDOW + 4096),
                "the frontend held " + mostHeld.get() + " bytes for " + SLOW_CLIENTS
                        + " paused streams; a stream may hold one window");
        double tokensGenerated = (responseBytes(worker) - generatedBefore) / bytesPerToken;
        System.out.printf(
                "%d clients that never read asked for %d tokens each; the engine made about %.0f in all"
                        + " (%.1f bytes a token); the frontend held at most %d bytes%n",
                SLOW_CLIENTS, TOKENS, tokensGenerated, bytesPerToken, mostHeld.get());
        assertTrue(
                tokensGenerated < SLOW_CLIENTS * (double) TOKENS / 10,
                "the engine stopped generating for clients that did not read: " + tokensGenerated);
        assertTrue(metric(api, "dynamo_frontend_disconnected_clients") >= SLOW_CLIENTS);
        for (Socket socket : slow) {
            assertTrue(closedByServer(socket), "the frontend closed a cut client's connection");
        }
        assertTrue(cluster.frontend().process().output().contains("did not read its stream"));
    }

    @Test
    void aClientThatStopsReadingForAWhileGetsItsWholeStreamWhenItReadsAgain() throws Exception {
        // Enough that the frontend's write queue fills even after the kernel's socket buffers took their share.
        int tokens = 100_000;
        Socket socket = nonReadingStreamOf(patient.url(), "pause then read", tokens);
        Awaitility.await("the stream is paused by flow control")
                .atMost(Duration.ofSeconds(60))
                .until(() -> metric(patient.url(), "vigil_frontend_stream_held_bytes") > 0);
        // Now read it all, as a client back from a tunnel does.
        String body = readAll(socket);
        assertTrue(body.contains("data: [DONE]"), "the stream ended normally");
        assertFalse(body.contains("event: error"), "no error event");
        assertTrue(
                body.contains("\"completion_tokens\":" + tokens),
                "every token arrived: " + body.substring(Math.max(0, body.length() - 400)));
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> metric(patient.url(), "dynamo_frontend_inflight_requests") == 0);
        assertEquals(0, metric(patient.url(), "vigil_frontend_slow_clients_cut_total"));
    }

    /** Opens a streaming chat of {@link #TOKENS} tokens on a socket with a 4 KiB receive buffer and reads nothing. */
    static Socket nonReadingStream(String base, String prompt) throws IOException {
        return nonReadingStreamOf(base, prompt, TOKENS);
    }

    static Socket nonReadingStreamOf(String base, String prompt, int tokens) throws IOException {
        URI uri = URI.create(base);
        Socket socket = new Socket();
        // Before connecting, so the window the client offers stays small.
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        String body = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                + "\"}],\"max_tokens\":" + tokens
                + ",\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** Reads the response to its end (the frontend ends a chunked SSE response with a zero chunk). */
    static String readAll(Socket socket) throws IOException {
        socket.setSoTimeout(60_000);
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[16384];
        int n;
        while ((n = in.read(buffer)) != -1) {
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            if (text.indexOf("data: [DONE]") >= 0 && text.lastIndexOf("\r\n0\r\n\r\n") > text.indexOf("data: [DONE]")) {
                break;
            }
        }
        socket.close();
        return text.toString();
    }

    /** Whether the peer closed (or reset) the connection: reading reaches its end within a bound. */
    static boolean closedByServer(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            while (in.read(buffer) != -1) {
                // Drain what was in flight before the close.
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset is a close too.
            return true;
        }
    }

    static double responseBytes(String worker) {
        return sum(worker, "dynamo_component_response_bytes_total");
    }

    /** The sum of every series of {@code name} on {@code base}/metrics. */
    static double metric(String base, String name) {
        return sum(base, name);
    }

    /**
     * Line by line, not with the strict {@link dev.vigil.testing.PrometheusText} parser: a scrape
     * taken while thousands of tokens a second are recorded can show a histogram's +Inf bucket below
     * its last finite one (Micrometer reads the buckets one by one), which that parser rejects;
     * ObservabilityIT checks the page's format at rest.
     */
    private static double sum(String base, String name) {
        String text =
                given().header("Accept", "text/plain").get(base + "/metrics").asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
