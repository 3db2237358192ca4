package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.FreePort;
import dev.vigil.testing.TestTools;

/**
 * Workers in front of a real inference engine: llama.cpp ({@code ./vigil engine llama}, node-llama-cpp's
 * prebuilt llama.cpp behind the project's OpenAI-compatible server) on the generated tiny model,
 * each worker starting its own engine as {@code DYN_ENGINE_COMMAND}, with real etcd and packaged
 * jars. Real tokenizer, greedy sampling, slots, {@code /health} while loading and 503 when full.
 * Each test serves its own model name, so tests never route to each other's workers.
 */
@Timeout(600)
class LlamaEngineIT {

    static final Duration START = Duration.ofSeconds(90);
    /** Engine monitor: the child's exit is seen at once; 3 failed checks otherwise. */
    static final Duration ENGINE_DEATH = Duration.ofSeconds(30);
    /** Paces the engine (ms per token) in tests that act mid-stream; the tiny model is far faster. */
    static final int TOKEN_DELAY_MS = 20;

    static Cluster cluster;
    static String api;
    static Duration prepared;
    final List<ProcessHandle> engines = new ArrayList<>();
    final List<Cluster.App> workers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestTools.assumeInstalled(
                NodeScript.available(),
                "node and npm are not installed: LlamaEngineIT needs them for ./vigil engine llama (./vigil test installs them)");
        prepared = LlamaEngine.prepare();
        System.out.println("LlamaEngineIT: ./vigil engine llama prepared in " + prepared.toMillis() + " ms");
        cluster = Cluster.builder("llama")
                .env(EnvNames.DYN_ETCD_LEASE_TTL, "3")
                .workerEnv(EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]")
                .frontendEnv(EnvNames.DYN_MIGRATION_LIMIT, "3", EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A worker killed by SIGKILL leaves its engine running: every engine a test started goes. */
    @AfterEach
    void stopEnginesAndWorkers() {
        workers.forEach(Cluster.App::close);
        engines.forEach(ProcessHandle::destroyForcibly);
    }

    /** A worker serving {@code model} in front of its own engine on {@code port}; returns at once. */
    Cluster.App worker(String model, int port, List<String> engineOptions, String... env) {
        List<String> vars = new ArrayList<>(List.of(
                EnvNames.DYN_ENGINE,
                "openai",
                EnvNames.DYN_ENGINE_URL,
                LlamaEngine.url(port),
                EnvNames.DYN_ENGINE_COMMAND,
                LlamaEngine.command(port, engineOptions.toArray(String[]::new)),
                EnvNames.DYN_MODEL_NAME,
                model));
        vars.addAll(List.of(env));
        Cluster.App worker = cluster.addWorker(vars.toArray(String[]::new));
        workers.add(worker);
        return worker;
    }

    /** The worker is ready (its engine loaded); its engine process is remembered for cleanup. */
    ProcessHandle awaitReady(Cluster.App worker) {
        EngineFaultsIT.awaitHealth(worker, 200);
        ProcessHandle engine = LlamaEngine.process(worker)
                .orElseThrow(() -> new AssertionError("no engine process under " + worker.name()));
        engines.add(engine);
        return engine;
    }

    static void awaitRoutable(String model, int instances) {
        Awaitility.await(model + " routable on " + instances).atMost(START).until(() -> {
            Response ready = given().get(api + "/v1/models/" + model + "/ready");
            Integer routable = ready.jsonPath().get("routable_instances");
            return instances == (routable == null ? 0 : routable);
        });
    }

    static String chatBody(String model, String content, Integer maxTokens, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}],"
                + (maxTokens == null ? "" : "\"max_tokens\":" + maxTokens + ",")
                + "\"temperature\":0,\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + (extra == null ? "" : "," + extra) + "}";
    }

    static String completionBody(String model, String prompt, Integer maxTokens, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\","
                + (maxTokens == null ? "" : "\"max_tokens\":" + maxTokens + ",")
                + "\"temperature\":0,\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + (extra == null ? "" : "," + extra) + "}";
    }

    static JsonPath post(String url, String body) {
        Response response = given().contentType("application/json").body(body).post(url);
        assertEquals(200, response.statusCode(), response.asString());
        return response.jsonPath();
    }

    @Test
    void unaryAndStreamedChatAndCompletionsCarryTheEnginesTextAndUsage() throws Exception {
        String model = "llama-basic";
        int port = FreePort.next();
        Cluster.App worker = worker(model, port, List.of());
        awaitReady(worker);
        awaitRoutable(model, 1);
        assertTrue(
                worker.process().output().contains("it tokenizes on request"),
                worker.process().output());

        // What the engine itself answers, asked directly: Vigil must pass it on unchanged.
        String engine = LlamaEngine.url(port);
        JsonPath direct =
                post(engine + "/v1/chat/completions", chatBody("tiny-llama", "Tell me a story", 24, false, null));
        String expectedChat = direct.getString("choices[0].message.content");
        JsonPath directCompletion =
                post(engine + "/v1/completions", completionBody("tiny-llama", "Once upon a time", 24, false, null));
        String expectedCompletion = directCompletion.getString("choices[0].text");
        assertFalse(expectedChat.isEmpty());

        JsonPath chat = post(api + "/v1/chat/completions", chatBody(model, "Tell me a story", 24, false, null));
        assertEquals(expectedChat, chat.getString("choices[0].message.content"));
        assertEquals("length", chat.getString("choices[0].finish_reason"));
        assertEquals(24, chat.getInt("usage.completion_tokens"));
        assertTrue(chat.getInt("usage.prompt_tokens") > 0);

        JsonPath completion = post(api + "/v1/completions", completionBody(model, "Once upon a time", 24, false, null));
        assertEquals(expectedCompletion, completion.getString("choices[0].text"));
        assertEquals(24, completion.getInt("usage.completion_tokens"));

        StreamRun streamedChat = StreamRun.post(
                api + "/v1/chat/completions", chatBody(model, "Tell me a story", 24, true, null), (n, r) -> true);
        assertEquals(200, streamedChat.status);
        assertTrue(streamedChat.done);
        assertEquals(expectedChat, streamedChat.content(), "the stream's chunks join into the engine's text");
        assertEquals("length", streamedChat.finishReason);
        assertEquals(24, streamedChat.completionTokens, "usage in the final chunk");

        StreamRun streamedCompletion = StreamRun.post(
                api + "/v1/completions", completionBody(model, "Once upon a time", 24, true, null), (n, r) -> true);
        assertEquals(expectedCompletion, streamedCompletion.content());
        assertEquals(24, streamedCompletion.completionTokens);
    }

    @Test
    void stopSequencesAndMaxTokensAndNoMaxTokens() {
        String model = "llama-stops";
        int port = FreePort.next();
        Cluster.App worker = worker(model, port, List.of("--ctx", "512"));
        awaitReady(worker);
        awaitRoutable(model, 1);
        String whole = post(api + "/v1/completions", completionBody(model, "The weather today", 60, false, null))
                .getString("choices[0].text");
        // A stop string from the middle of what the model says: the text ends just before it.
        String stop = whole.substring(whole.length() / 2, whole.length() / 2 + 3);
        JsonPath stopped = post(
                api + "/v1/completions",
                completionBody(model, "The weather today", 60, false, "\"stop\":[" + jsonString(stop) + "]"));
        assertEquals(whole.substring(0, whole.indexOf(stop)), stopped.getString("choices[0].text"));
        assertEquals("stop", stopped.getString("choices[0].finish_reason"));

        JsonPath five = post(api + "/v1/completions", completionBody(model, "The weather today", 5, false, null));
        assertEquals(5, five.getInt("usage.completion_tokens"));
        assertTrue(whole.startsWith(five.getString("choices[0].text")));

        // No max_tokens: the engine generates until the model ends or the context (512) is full.
        JsonPath unbounded =
                post(api + "/v1/completions", completionBody(model, "The weather today", null, false, null));
        int generated = unbounded.getInt("usage.completion_tokens");
        assertTrue(generated > 0 && generated < 512, "completion tokens " + generated);
        assertTrue(List.of("stop", "length").contains(unbounded.getString("choices[0].finish_reason")));
        assertTrue(unbounded.getString("choices[0].text").startsWith(whole));
    }

    static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    @Test
    void aClientThatDisconnectsFreesTheEnginesSlot() throws Exception {
        String model = "llama-cancel";
        int port = FreePort.next();
        Cluster.App worker = worker(model, port, List.of("--token-delay-ms", String.valueOf(TOKEN_DELAY_MS)));
        awaitReady(worker);
        awaitRoutable(model, 1);
        int[] busyWhileReading = {-1};
        StreamRun run = StreamRun.post(
                api + "/v1/chat/completions", chatBody(model, "Go on and on", 500, true, null), (n, r) -> {
                    if (n == 3) {
                        busyWhileReading[0] = LlamaEngine.busySlots(port);
                    }
                    return n < 3;
                });
        assertEquals(3, run.pieces.size());
        assertEquals(1, busyWhileReading[0], "one slot generated for the stream while it was read");
        Awaitility.await("the engine frees the slot of the client that went")
                .atMost(Duration.ofSeconds(15))
                .until(() -> LlamaEngine.busySlots(port) == 0);
        assertEquals(0.0, LlamaEngine.metric(port, "llamacpp:requests_processing"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> worker.process().output().contains("aborted: the client went away"));
        assertTrue(worker.process().output().contains("Aborted Request ID: " + run.requestId));
        assertTrue(LlamaEngine.metric(port, "llamacpp:tokens_predicted_total") < 500, "the generation stopped early");
    }

    @Test
    void theWorkerIsNotReadyWhileTheEngineLoadsAndTheCanaryPassesAgainstIt() throws Exception {
        String model = "llama-loading";
        int port = FreePort.next();
        Path loaded = Files.createTempFile("llama-loaded", ".flag");
        Files.delete(loaded);
        Cluster.App worker = worker(
                model,
                port,
                List.of("--loaded-when", loaded.toString()),
                EnvNames.DYN_HEALTH_CHECK_ENABLED,
                "true",
                EnvNames.DYN_CANARY_WAIT_TIME,
                "1");
        try {
            // The engine answers /health 503 while it loads; the worker answers, and is not ready.
            Awaitility.await("the engine says it is loading")
                    .atMost(START)
                    .until(() -> status(LlamaEngine.url(port) + "/health") == 503);
            Awaitility.await("the worker answers while its engine loads")
                    .atMost(START)
                    .until(() -> status(worker.url("/health")) == 503);
            assertEquals(503, status(LlamaEngine.url(port) + "/health"), "the engine was still loading");
            String log = worker.process().output();
            assertTrue(log.contains("Engine at " + LlamaEngine.url(port) + " not ready after"), log);
        } finally {
            Files.writeString(loaded, "loaded");
        }
        awaitReady(worker);
        awaitRoutable(model, 1);
        // The canary: with no traffic, the worker sends its health check request through the real engine.
        Awaitility.await("a canary passes against the engine")
                .atMost(START)
                .until(() -> worker.process().output().contains("Health check successful for"));
        assertTrue(LlamaEngine.metric(port, "llamacpp:requests_total") >= 1, "the canary reached the engine");
        assertEquals(200, status(worker.url("/health")));
        Files.deleteIfExists(loaded);
    }

    static int status(String url) {
        try {
            return given().get(url).statusCode();
        } catch (Exception notAnswering) {
            return -1;
        }
    }

    @Test
    void anEngineKilledBySigkillTakesItsWorkerOutOfDiscoveryAndItExits1() {
        String model = "llama-dies";
        int port = FreePort.next();
        Cluster.App worker = worker(model, port, List.of());
        ProcessHandle engine = awaitReady(worker);
        awaitRoutable(model, 1);
        engine.destroyForcibly();
        assertEquals(
                1, worker.process().awaitExit(ENGINE_DEATH), worker.process().output());
        String log = worker.process().output();
        assertTrue(log.contains("exited with code 137"), log);
        assertTrue(log.contains("Engine is dead"), log);
        Awaitility.await("the model is gone from the frontend")
                .atMost(START)
                .until(() -> given().get(api + "/v1/models/" + model + "/ready").statusCode() != 200);
    }

    /**
     * Two workers, each with its own engine; the one serving a greedy stream is SIGKILLed mid-stream
     * (with its engine): the stream completes on the other with exactly the text of an uninterrupted
     * run. The continuation is the engine's own token ids, not re-tokenized text.
     */
    @ParameterizedTest
    @ValueSource(strings = {"chat", "completion"})
    void aStreamWhoseWorkerIsKilledCompletesOnTheOtherWithIdenticalText(String kind) throws Exception {
        String model = "llama-migrate-" + kind;
        int[] ports = {FreePort.next(), FreePort.next()};
        List<String> paced = List.of("--token-delay-ms", String.valueOf(TOKEN_DELAY_MS));
        Cluster.App[] pair = {worker(model, ports[0], paced), worker(model, ports[1], paced)};
        ProcessHandle[] pairEngines = {awaitReady(pair[0]), awaitReady(pair[1])};
        awaitRoutable(model, 2);
        int tokens = 150;
        boolean chat = kind.equals("chat");
        String url = api + (chat ? "/v1/chat/completions" : "/v1/completions");
        // Bytes and words: the tiny model's text holds characters split across byte tokens.
        String body = chat
                ? chatBody(model, "Tell a long story about café déjà vu", tokens, true, null)
                : completionBody(model, "A long story about café déjà vu:", tokens, true, null);
        StreamRun uninterrupted = StreamRun.post(url, body, (n, r) -> true);
        assertTrue(uninterrupted.done);
        assertEquals(tokens, uninterrupted.completionTokens);

        int[] killed = {-1};
        StreamRun run = StreamRun.post(url, body, (count, r) -> {
            if (count == 20) {
                for (int i = 0; i < 2; i++) {
                    if (pair[i].process().output().contains("Decode Request ID: " + r.requestId)) {
                        killed[0] = i;
                        pair[i].process().kill();
                        pairEngines[i].destroyForcibly();
                    }
                }
            }
            return true;
        });
        assertTrue(killed[0] >= 0, "the worker serving the stream was killed");
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done, "the stream ends with [DONE]");
        assertEquals("length", run.finishReason);
        assertEquals(uninterrupted.content(), run.content(), "identical to the uninterrupted run");
        assertEquals(tokens, run.completionTokens, "usage counts every token once");
        Cluster.App survivor = pair[1 - killed[0]];
        String log = survivor.process().output();
        assertTrue(log.contains("Decode Request ID: " + run.requestId), "the other worker continued the stream");
        assertFalse(log.contains("Request " + run.requestId + " continues from its text"), log);
        System.out.printf(
                "LlamaEngineIT %s migration: %d chunks, identical text: %s, largest gap %d ms (uninterrupted %d ms)%n",
                kind,
                run.pieces.size(),
                uninterrupted.content().equals(run.content()),
                run.maxGapMillis(),
                uninterrupted.maxGapMillis());
    }

    @Test
    void aFullEngineIsBusyNotDead() throws Exception {
        String model = "llama-full";
        int port = FreePort.next();
        Cluster.App worker =
                worker(model, port, List.of("--slots", "1", "--token-delay-ms", String.valueOf(TOKEN_DELAY_MS)));
        awaitReady(worker);
        awaitRoutable(model, 1);
        CompletableFuture<Void> holding = new CompletableFuture<>();
        AtomicInteger firstPieces = new AtomicInteger();
        CompletableFuture<StreamRun> first = CompletableFuture.supplyAsync(() -> {
            try {
                return StreamRun.post(
                        api + "/v1/chat/completions", chatBody(model, "Hold the slot", 200, true, null), (n, r) -> {
                            firstPieces.set(n);
                            holding.complete(null);
                            return true;
                        });
            } catch (Exception e) {
                holding.completeExceptionally(e);
                throw new IllegalStateException(e);
            }
        });
        holding.get(60, TimeUnit.SECONDS);
        assertEquals(1, LlamaEngine.busySlots(port), "the one slot is taken");
        long circuitsOpenedBefore = circuitsOpened();
        // The second request finds the engine full: the worker says busy, the frontend has no other
        // worker, so the answer is the overload status with Retry-After, not an engine failure.
        Response second = given().contentType("application/json")
                .body(chatBody(model, "Another one", 5, false, null))
                .post(api + "/v1/chat/completions");
        assertFalse(first.isDone() && firstPieces.get() >= 200, "the first stream still held the slot");
        assertEquals(503, second.statusCode(), second.asString());
        assertTrue(second.header("Retry-After") != null, "Retry-After on the busy answer");
        StreamRun held = first.get(60, TimeUnit.SECONDS);
        assertTrue(held.done, "the first stream completed");
        assertEquals("length", held.finishReason);
        String log = worker.process().output();
        assertTrue(log.contains("not taken: the engine is full: HTTP 503"), log);
        assertFalse(log.contains("Engine is dead"), log);
        // Not dead, not broken: the worker stays ready and the next request is served at once.
        assertEquals(200, status(worker.url("/health")));
        assertTrue(worker.process().alive());
        post(api + "/v1/chat/completions", chatBody(model, "Another one", 5, false, null));
        assertEquals(circuitsOpenedBefore, circuitsOpened(), "no circuit opened for a busy answer");
    }

    /**
     * The engine's own load feeds the frontend's busy threshold: a long stream fills a share of the
     * engine's KV cache over {@code DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD}, a frontend with that
     * threshold sheds new requests while it runs, and serves them again once it ended.
     */
    @Test
    void theEnginesOwnLoadFeedsTheBusyThreshold() throws Exception {
        String model = "llama-load";
        int port = FreePort.next();
        // 2 slots of 1,024 tokens: a stream past 103 tokens holds over 5 % of the cache.
        Cluster.App worker = worker(model, port, List.of("--token-delay-ms", String.valueOf(TOKEN_DELAY_MS)));
        awaitReady(worker);
        Cluster.App shedding = cluster.frontend("shedding")
                .env(
                        EnvNames.DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD,
                        "0.05",
                        EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS,
                        "0")
                .start();
        workers.add(shedding);
        shedding.awaitLive(START);
        String sheddingApi = shedding.url();
        Awaitility.await("the shedding frontend serves " + model)
                .atMost(START)
                .until(() -> status(sheddingApi + "/v1/models/" + model + "/ready") == 200);
        AtomicInteger delivered = new AtomicInteger();
        CompletableFuture<StreamRun> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return StreamRun.post(
                        sheddingApi + "/v1/completions", completionBody(model, "Fill", 800, true, null), (n, r) -> {
                            delivered.set(n);
                            return true;
                        });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await("the stream fills over 5 % of the engine's KV cache")
                .atMost(START)
                .until(() -> LlamaEngine.metric(port, "llamacpp:kv_cache_usage_ratio") > 0.06);
        Awaitility.await("the frontend sheds while the engine is loaded")
                .atMost(START)
                .until(() -> status(sheddingApi, completionBody(model, "Hi", 2, false, null)) == 503);
        assertFalse(stream.isDone(), "the long stream was still running (" + delivered.get() + " chunks)");
        StreamRun run = stream.get(120, TimeUnit.SECONDS);
        assertTrue(run.done);
        Awaitility.await("shedding clears once the engine is idle")
                .atMost(START)
                .until(() -> status(sheddingApi, completionBody(model, "Hi", 2, false, null)) == 200);
    }

    /** Circuit breakers the shared frontend opened so far (other tests kill workers). */
    static long circuitsOpened() {
        return cluster.frontend()
                .process()
                .output()
                .lines()
                .filter(l -> l.contains(" -> open:"))
                .count();
    }

    static int status(String frontend, String completion) {
        return given().contentType("application/json")
                .body(completion)
                .post(frontend + "/v1/completions")
                .statusCode();
    }
}
