import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 26's measurements against a running frontend (bench/slow-clients.sh starts one):
 *
 * <pre>
 * java bench/SlowClients.java stall API FRONTEND_PID CLIENTS TOKENS HOLD_SECS
 *     CLIENTS sockets (4 KiB receive buffer) open streaming chats of TOKENS tokens and read nothing
 *     for HOLD_SECS while a well-behaved client sends 5-token unary chats one after another; then
 *     they close. Prints the frontend's RSS (before, peak, after), the well-behaved client's
 *     failures and latency, and how long in-flight requests took to drop to 0.
 * java bench/SlowClients.java heap API FRONTEND_PID STREAMS idle|stalled
 *     STREAMS streams held open at once, either reading clients of an engine that says nothing yet
 *     (idle) or clients that never read (stalled); prints the frontend's heap after a full GC with
 *     them open and without, per stream.
 * </pre>
 */
public class SlowClients {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stall" -> stall(args[1], Long.parseLong(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "heap" -> heap(args[1], Long.parseLong(args[2]), Integer.parseInt(args[3]), args[4]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void stall(String api, long pid, int clients, int tokens, int holdSecs) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 20; i++) {
            unary(http, api, "warm " + i);
        }
        long rssBefore = rssKb(pid);
        AtomicLong peak = new AtomicLong(rssBefore);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                try {
                    peak.accumulateAndGet(rssKb(pid), Math::max);
                    Thread.sleep(250);
                } catch (Exception e) {
                    return;
                }
            }
        });
        sampler.start();
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            slow.add(open(api, "slow client " + i + " tells a long story", tokens));
        }
        List<Long> latenciesMicros = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long end = System.nanoTime() + holdSecs * 1_000_000_000L;
        int n = 0;
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            String failure = unary(http, api, "well behaved " + n++);
            latenciesMicros.add((System.nanoTime() - start) / 1000);
            if (failure != null) {
                failures.add(failure);
            }
        }
        long rssHeld = rssKb(pid);
        long closing = System.nanoTime();
        for (Socket socket : slow) {
            socket.close();
        }
        long drainedMs = -1;
        while (System.nanoTime() - closing < 60_000_000_000L) {
            if (metric(http, api, "dynamo_frontend_inflight_requests") == 0) {
                drainedMs = (System.nanoTime() - closing) / 1_000_000;
                break;
            }
            Thread.sleep(100);
        }
        Thread.sleep(2000);
        sampling.set(false);
        sampler.join();
        long rssAfter = rssKb(pid);
        Collections.sort(latenciesMicros);
        System.out.printf("slow clients: %d x %d tokens, not reading for %d s%n", clients, tokens, holdSecs);
        System.out.printf(
                "frontend RSS: before %d MB, at the end of the hold %d MB, peak %d MB (growth %d MB), 2 s after %d MB%n",
                rssBefore / 1024, rssHeld / 1024, peak.get() / 1024, (peak.get() - rssBefore) / 1024, rssAfter / 1024);
        System.out.printf(
                "well-behaved client: %d requests, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                latenciesMicros.size(), failures.size(), pct(latenciesMicros, 50), pct(latenciesMicros, 99),
                latenciesMicros.get(latenciesMicros.size() - 1) / 1000.0);
        failures.stream().distinct().limit(5).forEach(f -> System.out.println("  failure: " + f));
        System.out.printf("in flight at the frontend reached 0 %d ms after the slow clients closed%n", drainedMs);
        System.out.printf(
                "frontend: %s bytes held for streams now, %s slow clients cut, %s output tokens in all%n",
                (long) metric(http, api, "vigil_frontend_stream_held_bytes"),
                (long) metric(http, api, "vigil_frontend_slow_clients_cut_total"),
                (long) metric(http, api, "dynamo_frontend_output_tokens_total"));
    }

    static void heap(String api, long pid, int streams, String mode) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 20; i++) {
            unary(http, api, "warm " + i);
        }
        long base = heapAfterGc(http, api, pid);
        if (System.getenv("BENCH_HISTO") != null) {
            Process histo = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            java.nio.file.Files.write(java.nio.file.Path.of(System.getenv("BENCH_HISTO") + ".base"), histo.getInputStream().readAllBytes());
        }
        List<Socket> open = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            Socket socket = open(api, "stream " + i, 200_000);
            open.add(socket);
            if (mode.equals("idle")) {
                // A client that reads: it keeps up with whatever comes (nothing, for an idle engine).
                Thread reader = new Thread(() -> drain(socket));
                reader.setDaemon(true);
                reader.start();
                readers.add(reader);
            }
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (metric(http, api, "dynamo_frontend_inflight_requests") < streams && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        double inflight = metric(http, api, "dynamo_frontend_inflight_requests");
        // Let stalled streams reach their bound (the kernel's buffers full, the write queue full, the
        // credit spent): until the frontend is quiet (under 50 ms of CPU in a second), 60 s at most.
        // A fixed wait measured streams still pouring tokens into the kernel (~3 MB each on loopback).
        long settleDeadline = System.nanoTime() + 60_000_000_000L;
        long settled = System.nanoTime();
        while (System.nanoTime() < settleDeadline) {
            long ticks = cpuTicks(pid);
            Thread.sleep(1000);
            if (cpuTicks(pid) - ticks <= 5) {
                break;
            }
        }
        System.out.printf("settled in %d ms%n", (System.nanoTime() - settled) / 1_000_000);
        long held = heapAfterGc(http, api, pid);
        // What the frontend does while every stream is stalled: it should be next to nothing.
        long cpuBefore = cpuTicks(pid);
        if (System.getenv("BENCH_THREADS") != null) {
            // What its threads do meanwhile: thread dumps, 0.5 s apart.
            for (int i = 0; i < 6; i++) {
                Process jstack = new ProcessBuilder("jstack", String.valueOf(pid)).redirectErrorStream(true).start();
                Files.write(Path.of(System.getenv("BENCH_THREADS") + "." + i), jstack.getInputStream().readAllBytes());
                Thread.sleep(500);
            }
        }
        Thread.sleep(5000);
        long idleTicks = cpuTicks(pid) - cpuBefore;
        System.out.printf("frontend CPU while the streams are held: %d ms in 5 s%n", idleTicks * 10);
        double heldBytes = metric(http, api, "vigil_frontend_stream_held_bytes");
        long rss = rssKb(pid);
        if (System.getenv("BENCH_HISTO") != null) {
            // What the held streams are made of: the classes with the most bytes live after the full GC.
            Process histo = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            java.nio.file.Files.write(java.nio.file.Path.of(System.getenv("BENCH_HISTO")), histo.getInputStream().readAllBytes());
        }
        for (Socket socket : open) {
            socket.close();
        }
        System.out.printf(
                "%d %s streams (%.0f in flight): heap after full GC %d KB without them, %d KB with them: %.1f KB per stream;"
                        + " plane holds %.0f bytes (%.1f KB per stream); frontend RSS %d MB%n",
                streams, mode, inflight, base / 1024, held / 1024, (held - base) / 1024.0 / streams,
                heldBytes, heldBytes / 1024 / streams, rss / 1024);
    }

    /** Full GC in the frontend (jcmd), then its heap in use from its own metrics. */
    static long heapAfterGc(HttpClient http, String api, long pid) throws Exception {
        new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run").redirectErrorStream(true).start().waitFor();
        Thread.sleep(500);
        return (long) metric(http, api, "jvm_memory_used_bytes", "area=\"heap\"");
    }

    static Socket open(String api, String prompt, int tokens) throws IOException {
        URI uri = URI.create(api);
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        byte[] body = ("{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                        + "\"}],\"max_tokens\":" + tokens + ",\"ignore_eos\":true,\"stream\":true}")
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    static void drain(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (in.read(buffer) != -1) {
                // Keep up.
            }
        } catch (IOException e) {
            // Closed.
        }
    }

    /** One 5-token unary chat; null when it succeeded, else what went wrong. */
    static String unary(HttpClient http, String api, String prompt) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(api + "/v1/chat/completions"))
                            .header("content-type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                            + prompt + "\"}],\"max_tokens\":5}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? null : response.statusCode() + " " + response.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static double metric(HttpClient http, String api, String name) throws Exception {
        return metric(http, api, name, null);
    }

    /** The sum of the samples of {@code name} (whose labels contain {@code label}, if given). */
    static double metric(HttpClient http, String api, String name, String label) throws Exception {
        String text = http.send(
                        HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                if (label != null && !line.contains(label)) {
                    continue;
                }
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** User + system CPU of a process, in clock ticks (10 ms), from /proc/PID/stat. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static double pct(List<Long> sorted, int p) {
        int i = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, i)) / 1000.0;
    }
}
