package dev.vigil.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.path.json.JsonPath;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Issue 12 "Proof": thousands of generated malformed requests of every class the hardening issue
 * lists, sent to the packaged frontend with a real worker behind it, with a valid request after
 * every few bad ones. No bad request may get a 5xx or a body that is not the JSON error shape, no
 * valid request may fail, nothing may be written to the frontend's working directory, and the
 * frontend's memory must stay within its heap limit.
 */
@Timeout(300)
class BadInputIT {

    static final Duration START = Duration.ofSeconds(60);
    static final int BAD_REQUESTS = 3000;
    /** A valid request after every this many bad ones. */
    static final int VALID_EVERY = 10;
    /** The heap limit the test harness gives each app (-Xmx256m): growth beyond it is a leak. */
    static final long HEAP_LIMIT_KB = 256 * 1024;

    static final String VALID =
            "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}";

    static Cluster cluster;
    static String api;
    static HttpClient http;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("bad-input")
                .workerEnv(EnvNames.DYN_MOCKER_ITL_MS, "0")
                .frontendEnv(EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0", EnvNames.DYN_MIGRATION_LIMIT, "3")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Awaitility.await("the frontend serves mock-model")
                .atMost(START)
                .until(() ->
                        send("POST", "/v1/chat/completions", "application/json", VALID.getBytes(StandardCharsets.UTF_8))
                                        .statusCode()
                                == 200);
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    static HttpResponse<String> send(String method, String path, String contentType, byte[] body) throws Exception {
        return send(method, path, contentType, body, 0);
    }

    /** With {@code headerPadding} bytes of extra headers, in lines of 1 KiB. */
    static HttpResponse<String> send(String method, String path, String contentType, byte[] body, int headerPadding)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("content-type", contentType);
        }
        for (int i = 0; i * 1024 < headerPadding; i++) {
            request.header("x-pad-" + i, "p".repeat(1024));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The documented request head limits (docs/configuration.md, health-common's RequestHeadLimits). */
    static final int MAX_TARGET_BYTES = 8 * 1024;

    static final int MAX_HEADER_BYTES = 20 * 1024;

    record Bad(String kind, String method, String path, String contentType, byte[] body, int headerPadding) {
        Bad(String kind, String method, String path, String contentType, byte[] body) {
            this(kind, method, path, contentType, body, 0);
        }
    }

    /** One generated malformed request of a class chosen by {@code random}. */
    static Bad generate(Random random) {
        Function<String, byte[]> utf8 = s -> s.getBytes(StandardCharsets.UTF_8);
        String chat = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        String completion = "{\"model\":\"mock-model\",\"prompt\":\"x\"";
        int n = random.nextInt(1_000_000);
        return switch (random.nextInt(22)) {
            case 0 -> new Bad(
                    "truncated JSON",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(chat.substring(0, random.nextInt(chat.length()))));
            case 1 -> new Bad(
                    "not an object",
                    "POST",
                    "/v1/completions",
                    "application/json",
                    utf8.apply(List.of("[]", "1", "\"x\"", "null", "true").get(random.nextInt(5))));
            case 2 -> new Bad(
                    "no model",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
            case 3 -> new Bad(
                    "unknown model",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply("{\"model\":\"m" + n + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
            case 4 -> new Bad(
                    "bad role",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(
                            "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"r" + n + "\",\"content\":\"x\"}]}"));
            case 5 -> new Bad(
                    "temperature",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(chat + ",\"temperature\":" + (random.nextBoolean() ? "-" : "") + (3 + n) + "}"));
            case 6 -> new Bad(
                    "top_p",
                    "POST",
                    "/v1/completions",
                    "application/json",
                    utf8.apply(completion + ",\"top_p\":" + (1 + n) + "}"));
            case 7 -> new Bad(
                    "penalties",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(chat + ",\"frequency_penalty\":\"" + n + "\",\"presence_penalty\":99}"));
            case 8 -> new Bad(
                    "max_tokens",
                    "POST",
                    "/v1/completions",
                    "application/json",
                    utf8.apply(completion + ",\"max_tokens\":"
                            + List.of("-1", "0", "1.5", "\"9\"", "99999999999").get(random.nextInt(5)) + "}"));
            case 9 -> new Bad(
                    "n and best_of",
                    "POST",
                    "/v1/completions",
                    "application/json",
                    utf8.apply(completion + ",\"n\":" + (2 + random.nextInt(9)) + ",\"best_of\":7}"));
            case 10 -> new Bad(
                    "stop",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(chat + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e" + n + "\"]}"));
            case 11 -> new Bad(
                    "stream_options",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(chat + ",\"stream\":true,\"stream_options\":" + n + "}"));
            case 12 -> new Bad(
                    "logprobs",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(chat + ",\"logprobs\":true,\"top_logprobs\":" + (21 + n) + "}"));
            case 13 -> new Bad(
                    "not UTF-8",
                    "POST",
                    "/v1/completions",
                    "application/json",
                    ("{\"model\":\"mock-model\",\"prompt\":\"caf\u00e9" + n + "\"}")
                            .getBytes(StandardCharsets.ISO_8859_1));
            case 14 -> new Bad(
                    "empty prompt",
                    "POST",
                    "/v1/completions",
                    "application/json",
                    utf8.apply("{\"model\":\"mock-model\",\"prompt\":\"\"}"));
            case 15 -> new Bad("unknown path", "GET", "/v" + n + "/nothing", null, new byte[0]);
            case 16 -> new Bad(
                    "wrong method",
                    List.of("PUT", "DELETE", "PATCH").get(random.nextInt(3)),
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(VALID));
            case 17 -> new Bad(
                    "multipart upload",
                    "POST",
                    "/v1/chat/completions",
                    "multipart/form-data; boundary=b" + n,
                    utf8.apply("--b" + n + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f" + n
                            + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" + "z".repeat(4096)
                            + "\r\n--b" + n + "--\r\n"));
            case 18 -> new Bad(
                    "busy_threshold",
                    "POST",
                    "/busy_threshold",
                    "application/json",
                    utf8.apply("{\"model\":\"mock-model\",\"active_prefill_tokens_threshold\":" + (2147483648L + n)
                            + "}"));
            case 19 -> new Bad(
                    "long target",
                    "GET",
                    "/v1/models?q=" + "t".repeat(MAX_TARGET_BYTES + n % 40_000),
                    null,
                    new byte[0]);
            case 20 -> new Bad(
                    "large headers",
                    "POST",
                    "/v1/chat/completions",
                    "application/json",
                    utf8.apply(VALID),
                    MAX_HEADER_BYTES + n % 30_000);
            default -> new Bad("empty body", "POST", "/v1/completions", "application/json", new byte[0]);
        };
    }

    @Test
    void thousandsOfMalformedRequestsGetJson4xxAndValidOnesInBetweenAllSucceed() throws Exception {
        long pid = cluster.frontend().process().pid();
        long rssBefore = rssKb(pid);
        Random random = new Random(12);
        Map<String, Integer> byKind = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        int valid = 0;
        for (int i = 1; i <= BAD_REQUESTS; i++) {
            Bad bad = generate(random);
            HttpResponse<String> response =
                    send(bad.method(), bad.path(), bad.contentType(), bad.body(), bad.headerPadding());
            byKind.merge(bad.kind() + " " + response.statusCode(), 1, Integer::sum);
            if (response.statusCode() < 400 || response.statusCode() >= 500 || !isJsonError(response)) {
                wrong.add(bad.kind() + ": " + response.statusCode() + " " + response.body());
            }
            if (i % VALID_EVERY == 0) {
                HttpResponse<String> ok = send(
                        "POST", "/v1/chat/completions", "application/json", VALID.getBytes(StandardCharsets.UTF_8));
                valid++;
                if (ok.statusCode() != 200) {
                    wrong.add("valid request " + valid + ": " + ok.statusCode() + " " + ok.body());
                }
            }
        }
        long rssAfter = rssKb(pid);
        System.out.printf(
                "[BadInputIT] %d malformed + %d valid requests; frontend RSS %d MB -> %d MB; outcomes %s%n",
                BAD_REQUESTS, valid, rssBefore / 1024, rssAfter / 1024, byKind);
        assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " wrong answers");
        Path workingDir = Path.of(System.getProperty("user.dir"));
        assertTrue(Files.notExists(workingDir.resolve("file-uploads")), "uploads written to " + workingDir);
        assertTrue(
                rssAfter - rssBefore < HEAP_LIMIT_KB,
                "frontend RSS grew by " + (rssAfter - rssBefore) / 1024 + " MB, more than its whole heap limit");
    }

    static boolean isJsonError(HttpResponse<String> response) {
        if (!response.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
            return false;
        }
        try {
            JsonPath body = JsonPath.from(response.body());
            if (response.request().uri().getPath().equals("/busy_threshold")) {
                return body.getString("error") != null;
            }
            return body.getString("message") != null && body.getInt("code") == response.statusCode();
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    /** Resident memory of a process, from /proc. */
    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
