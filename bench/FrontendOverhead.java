import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.tokenizer.Tokenizer;
import dev.vigil.runtime.transport.ResponseObserver;
import dev.vigil.runtime.transport.StreamError;
import dev.vigil.runtime.transport.nats.NatsPlaneSettings;
import dev.vigil.runtime.transport.nats.NatsRequestPlane;

/**
 * Frontend overhead: 1-token completions through the frontend (HTTP → tokenizer → router → NATS →
 * worker) against the same 1-token request sent straight to the worker's generate subject over NATS,
 * in one run, alternating rounds. Run by bench/frontend-overhead.sh, which starts the cluster.
 *
 * <p>Args: frontendUrl natsUrl subject model requests concurrency rounds
 */
public class FrontendOverhead {

    static final String PROMPT = "Tell me about health checks";

    public static void main(String[] args) throws Exception {
        String frontend = args[0];
        String natsUrl = args[1];
        String subject = args[2];
        String model = args[3];
        int requests = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        int rounds = Integer.parseInt(args[6]);

        ObjectMapper json = new ObjectMapper();
        byte[] direct = json.writeValueAsBytes(new GenerateRequest(
                model, Tokenizer.cl100k().encode(PROMPT), new StopConditions(1, null, null, true), null));
        byte[] viaFrontend = ("{\"model\":\"" + model + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":1}")
                .getBytes(StandardCharsets.UTF_8);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (NatsRequestPlane plane = NatsRequestPlane.connect(natsUrl, NatsPlaneSettings.defaults())) {
            Call natsCall = () -> {
                CompletableFuture<Void> done = new CompletableFuture<>();
                plane.call(subject, java.util.UUID.randomUUID().toString(), direct, new ResponseObserver() {
                    public void onData(byte[] data) {}

                    public void onComplete() {
                        done.complete(null);
                    }

                    public void onError(StreamError error) {
                        done.completeExceptionally(new IllegalStateException(error.toString()));
                    }
                });
                done.get(10, TimeUnit.SECONDS);
            };
            Call httpCall = () -> {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(frontend + "/v1/completions"))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(viaFrontend))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                }
            };
            System.out.println("warm-up...");
            run(natsCall, Math.max(requests / 2, 200), concurrency);
            run(httpCall, Math.max(requests / 2, 200), concurrency);
            System.out.printf("%-6s %-22s %9s %8s %8s %8s%n", "round", "path", "req/s", "p50_ms", "p99_ms", "errors");
            List<double[]> directRuns = new ArrayList<>();
            List<double[]> frontendRuns = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double[] d = run(natsCall, requests, concurrency);
                print(round, "direct NATS", d);
                directRuns.add(d);
                double[] f = run(httpCall, requests, concurrency);
                print(round, "frontend HTTP+NATS", f);
                frontendRuns.add(f);
            }
            double[] d = mean(directRuns);
            double[] f = mean(frontendRuns);
            System.out.printf(
                    "mean: direct %.0f req/s p50 %.3f p99 %.3f ms; frontend %.0f req/s p50 %.3f p99 %.3f ms;"
                            + " added p50 %.3f ms, p99 %.3f ms; throughput ratio %.2f%n",
                    d[0], d[1], d[2], f[0], f[1], f[2], f[1] - d[1], f[2] - d[2], f[0] / d[0]);
        }
    }

    interface Call {
        void run() throws Exception;
    }

    /** Returns {req/s, p50 ms, p99 ms, errors}. */
    static double[] run(Call call, int requests, int concurrency) throws InterruptedException {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            pool.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests) {
                    long t0 = System.nanoTime();
                    try {
                        call.run();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies[i] = System.nanoTime() - t0;
                }
                done.countDown();
            });
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        return new double[] {
            requests / seconds,
            latencies[requests / 2] / 1e6,
            latencies[(int) Math.min(requests - 1, Math.ceil(requests * 0.99) - 1)] / 1e6,
            errors.get()
        };
    }

    static void print(int round, String path, double[] r) {
        System.out.printf("%-6d %-22s %9.0f %8.3f %8.3f %8.0f%n", round, path, r[0], r[1], r[2], r[3]);
    }

    static double[] mean(List<double[]> runs) {
        double[] m = new double[4];
        for (double[] r : runs) {
            for (int i = 0; i < 4; i++) {
                m[i] += r[i] / runs.size();
            }
        }
        return m;
    }
}
