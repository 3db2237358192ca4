import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator of bench/cpu-per-unit.sh: a bounded amount of work, closed loop, no
 * dependencies (run as {@code java bench/CpuLoad.java ...}). Prints one line of results; the script
 * reads the servers' CPU time around each run.
 *
 * <pre>
 * unary  URL PATH REQUESTS CONNECTIONS      GET PATH (the floor) or POST a 1-token completion, N in all
 * stream URL MODEL STREAMS TOKENS ROUNDS    STREAMS concurrent SSE streams of TOKENS tokens, ROUNDS times
 * </pre>
 *
 * Unary requests: each of CONNECTIONS threads sends one after another (HTTP/1.1 keep-alive) until
 * REQUESTS were sent. Streams: every chunk's arrival time is recorded, so the result line gives the
 * p50/p99 inter-chunk gap the clients saw, next to the token count.
 */
public class CpuLoad {

    static final String PROMPT = "Tell me about health checks";

    public static void main(String[] args) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        switch (args[0]) {
            case "unary" -> unary(http, args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "stream" -> stream(
                    http,
                    args[1],
                    args[2],
                    Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unary or stream, not " + args[0]);
        }
    }

    static void unary(HttpClient http, String base, String path, int requests, int connections) throws Exception {
        boolean completion = path.startsWith("model=");
        HttpRequest request = completion
                ? HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + path.substring(6)
                                + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":1}"))
                        .build()
                : HttpRequest.newBuilder(URI.create(base + path)).GET().build();
        AtomicInteger left = new AtomicInteger(requests);
        AtomicInteger errors = new AtomicInteger();
        long[] latencies = new long[requests];
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            futures.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies[done.getAndIncrement()] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        System.out.printf(
                "requests=%d errors=%d seconds=%.2f rate=%.0f p50_ms=%.2f p99_ms=%.2f%n",
                requests,
                errors.get(),
                seconds,
                requests / seconds,
                latencies[requests / 2] / 1e6,
                latencies[(int) (requests * 0.99)] / 1e6);
    }

    static void stream(HttpClient http, String base, String model, int streams, int tokens, int rounds)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"prompt\":\"" + PROMPT
                        + "\",\"max_tokens\":" + tokens + ",\"ignore_eos\":true,\"stream\":true}"))
                .build();
        AtomicLong chunks = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        List<long[]> gapsPerStream = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                futures.add(pool.submit(() -> {
                    long[] gaps = new long[tokens + 8];
                    int n = 0;
                    try {
                        HttpResponse<InputStream> response =
                                http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                            response.body().close();
                            return new long[0];
                        }
                        long last = System.nanoTime();
                        try (InputStream in = response.body()) {
                            StringBuilder line = new StringBuilder();
                            int b;
                            while ((b = in.read()) != -1) {
                                if (b != '\n') {
                                    line.append((char) b);
                                    continue;
                                }
                                String text = line.toString();
                                line.setLength(0);
                                if (text.startsWith("data: ") && !text.equals("data: [DONE]")) {
                                    long now = System.nanoTime();
                                    if (n < gaps.length) {
                                        gaps[n++] = now - last;
                                    }
                                    last = now;
                                    chunks.incrementAndGet();
                                } else if (text.startsWith("event: error")) {
                                    errors.incrementAndGet();
                                }
                            }
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    return Arrays.copyOf(gaps, n);
                }));
            }
            for (Future<long[]> f : futures) {
                gapsPerStream.add(f.get());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] all = gapsPerStream.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        // The first gap of a stream is time to first token; the rest are inter-token gaps.
        long[] itl = gapsPerStream.stream()
                .flatMapToLong(g -> Arrays.stream(g).skip(1))
                .sorted()
                .toArray();
        System.out.printf(
                "streams=%d chunks=%d errors=%d seconds=%.2f itl_p50_ms=%.2f itl_p99_ms=%.2f max_gap_ms=%.2f%n",
                streams * rounds,
                chunks.get(),
                errors.get(),
                seconds,
                itl.length == 0 ? 0 : itl[itl.length / 2] / 1e6,
                itl.length == 0 ? 0 : itl[(int) (itl.length * 0.99)] / 1e6,
                all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    }
}
