package dev.vigil.worker.engine.openai;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.vertx.core.Vertx;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.TextInput;
import dev.vigil.testing.FakeOpenAiEngine;
import dev.vigil.worker.engine.Generation;
import dev.vigil.worker.engine.TokenSink;

/**
 * {@link OpenAiEngine} against {@link FakeOpenAiEngine} in process (standing for vLLM/SGLang): joining,
 * exact streaming and continuation, bad answers, cancellation, health, load.
 */
class OpenAiEngineTest {

    static final String MODEL = "fake/model-7b";
    static final Duration PATIENCE = Duration.ofSeconds(10);
    static final Duration POLL = Duration.ofMillis(100);

    Vertx vertx;
    FakeOpenAiEngine fake;
    OpenAiEngine engine;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        fake = FakeOpenAiEngine.start(0, MODEL, 2);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        fake.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    OpenAiEngine engine(Optional<String> model) {
        OpenAiEngineSettings settings = new OpenAiEngineSettings(
                URI.create(fake.url()),
                model,
                "/health",
                new OpenAiEngineSettings.ApiKeySource(Optional.empty()),
                Optional.empty(),
                POLL,
                3,
                Duration.ofSeconds(5));
        engine = new OpenAiEngine(vertx, settings);
        return engine;
    }

    OpenAiEngine started() throws Exception {
        engine(Optional.empty()).start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return engine;
    }

    static GenerateRequest completion(String prompt, String prior, int maxTokens) {
        return new GenerateRequest(
                "frontend-name",
                List.of(1, 2, 3),
                new StopConditions(maxTokens, null, null, null),
                null,
                null,
                new TextInput(prompt, null, prior));
    }

    static GenerateRequest chat(String user, String prior, int maxTokens) {
        ArrayNode messages = new ObjectMapper().createArrayNode();
        messages.addObject().put("role", "system").put("content", "Be brief.");
        messages.addObject().put("role", "user").put("content", user);
        return new GenerateRequest(
                "frontend-name",
                List.of(1, 2, 3),
                new StopConditions(maxTokens, null, null, null),
                null,
                null,
                new TextInput(null, messages, prior));
    }

    /** A sink that records one stream and how it ended. */
    static final class Sink implements TokenSink {
        final List<EngineOutput> outputs = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> end = new CompletableFuture<>();
        volatile boolean migratable;

        @Override
        public void onOutput(EngineOutput output) {
            if (end.isDone()) {
                throw new AssertionError("output after the end: " + output);
            }
            outputs.add(output);
        }

        @Override
        public void onEnd() {
            end.complete(null);
        }

        @Override
        public void onError(String message) {
            end.complete(message);
        }

        @Override
        public void onEngineError(String message) {
            migratable = true;
            end.complete(message);
        }

        volatile boolean busy;

        @Override
        public void onBusy(String message) {
            busy = true;
            end.complete(message);
        }

        String error() throws Exception {
            return end.get(10, TimeUnit.SECONDS);
        }

        String text() {
            StringBuilder text = new StringBuilder();
            outputs.forEach(o -> text.append(o.text()));
            return text.toString();
        }

        int tokens() {
            return outputs.stream().mapToInt(o -> o.tokenIds().size()).sum();
        }

        String finishReason() {
            return outputs.get(outputs.size() - 1).finishReason();
        }
    }

    @Test
    void joinsOnlyOnceTheHealthRouteAnswers2xxAndTheModelIsListed() throws Exception {
        fake.healthStatus(503);
        CompletableFuture<Void> ready = engine(Optional.of(MODEL)).start().toCompletableFuture();
        await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> !ready.isDone());
        fake.healthStatus(200);
        ready.get(10, TimeUnit.SECONDS);
        assertEquals(MODEL, engine.model());
    }

    @Test
    void aConfiguredModelTheEngineDoesNotListKeepsItWaiting() {
        CompletableFuture<Void> ready = engine(Optional.of("other")).start().toCompletableFuture();
        await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> !ready.isDone());
    }

    @Test
    void aCompletionStreamsTheEnginesTextExactlyWithItsTokenCount() throws Exception {
        started();
        Sink sink = new Sink();
        engine.generate("r1", completion("Once upon a time", null, 12), sink);
        assertNull(sink.error());
        assertEquals(String.join("", FakeOpenAiEngine.answer("Once upon a time", 12)), sink.text());
        assertEquals(12, sink.tokens());
        assertEquals(EngineOutput.LENGTH, sink.finishReason());
        assertTrue(fake.requests().get(0).contains("\"model\":\"" + MODEL.replace("/", "\\/") + "\"")
                || fake.requests().get(0).contains("\"model\":\"" + MODEL + "\""));
    }

    @Test
    void aContinuedCompletionGivesExactlyTheRestOfTheText() throws Exception {
        started();
        Sink whole = new Sink();
        engine.generate("whole", completion("Tell me", null, 20), whole);
        assertNull(whole.error());
        List<String> pieces = FakeOpenAiEngine.answer("Tell me", 20);
        String firstPart = String.join("", pieces.subList(0, 7));
        Sink rest = new Sink();
        engine.generate("rest", completion("Tell me", firstPart, 13), rest);
        assertNull(rest.error());
        assertEquals(whole.text(), firstPart + rest.text());
    }

    @Test
    void aContinuedChatAppendsTheTextAsAFinalAssistantMessageToContinue() throws Exception {
        started();
        Sink whole = new Sink();
        engine.generate("whole", chat("Say something", null, 20), whole);
        assertNull(whole.error());
        String firstPart =
                whole.outputs.subList(0, 5).stream().map(EngineOutput::text).reduce("", String::concat);
        Sink rest = new Sink();
        engine.generate("rest", chat("Say something", firstPart, 15), rest);
        assertNull(rest.error());
        assertEquals(whole.text(), firstPart + rest.text());
        String continued = fake.requests().get(1);
        assertTrue(continued.contains("\"continue_final_message\":true"), continued);
        assertTrue(continued.contains("\"add_generation_prompt\":false"), continued);
        assertFalse(fake.requests().get(0).contains("continue_final_message"));
    }

    @Test
    void aStopStringEndsTheTextBeforeIt() throws Exception {
        started();
        String full = String.join("", FakeOpenAiEngine.answer("Stop here", 30));
        String stop = full.substring(20, 24);
        Sink sink = new Sink();
        engine.generate(
                "r",
                new GenerateRequest(
                        "m",
                        List.of(1),
                        new StopConditions(30, List.of(stop), null, null),
                        null,
                        null,
                        TextInput.completion("Stop here")),
                sink);
        assertNull(sink.error());
        assertEquals(full.substring(0, full.indexOf(stop)), sink.text());
        assertEquals(EngineOutput.STOP, sink.finishReason());
    }

    @ParameterizedTest
    @EnumSource(
            value = FakeOpenAiEngine.Mode.class,
            names = {"HTTP_500", "HTML", "MALFORMED_JSON", "ERROR_EVENT", "NO_FINISH_REASON", "CUT"})
    void aBadAnswerEndsTheRequestWithAnErrorTheFrontendMayMigrate(FakeOpenAiEngine.Mode mode) throws Exception {
        started();
        fake.mode(mode);
        Sink sink = new Sink();
        engine.generate("bad", completion("Anything", null, 10), sink);
        String error = sink.error();
        assertTrue(error != null && !error.isBlank(), "an error for " + mode);
        assertTrue(sink.migratable, mode + ": " + error);
        await().atMost(PATIENCE).until(() -> engine.inFlight() == 0);
    }

    @ParameterizedTest
    @EnumSource(
            value = FakeOpenAiEngine.Mode.class,
            names = {"FULL_429", "FULL_503"})
    void aFullEngineIsBusyNotFailed(FakeOpenAiEngine.Mode mode) throws Exception {
        started();
        fake.mode(mode);
        Sink sink = new Sink();
        engine.generate("full", completion("Anything", null, 10), sink);
        String message = sink.error();
        assertTrue(sink.busy, mode + ": " + message);
        assertFalse(sink.migratable, mode + ": busy is not an engine failure");
        assertTrue(message.contains("the engine is full: HTTP " + mode.name().substring(5)), message);
        assertTrue(message.contains("Retry-After: 2"), message);
        assertFalse(engine.isDead(), "a full engine is alive");
        await().atMost(PATIENCE).until(() -> engine.inFlight() == 0);
    }

    @Test
    void aRequestTheEngineRejectsIsThePlainError() throws Exception {
        started();
        Sink sink = new Sink();
        // The fake answers 404 for a model it does not serve, as vLLM does.
        engine.generate("r", completion("x", null, 2), sink);
        assertNull(sink.error());
        fake.close();
        FakeOpenAiEngine other = FakeOpenAiEngine.start(fake.port(), "another-model", 1);
        try {
            // The client may still hold a pooled connection to the engine that just closed; a request
            // sent on it ends as a migratable "connection was closed" (a restarted engine, covered
            // by the cut-connection tests). What is checked here is the answer of the engine that
            // listens now, so the request is sent again until it reaches it.
            Sink[] refused = new Sink[1];
            await().atMost(PATIENCE).until(() -> {
                refused[0] = new Sink();
                engine.generate("r2", completion("x", null, 2), refused[0]);
                return !refused[0].error().contains("Connection was closed");
            });
            assertTrue(refused[0].error().contains("HTTP 404"), refused[0].error());
            assertFalse(refused[0].migratable);
        } finally {
            other.close();
        }
    }

    @Test
    void killingAGenerationClosesTheEngineRequest() throws Exception {
        fake.close();
        fake = FakeOpenAiEngine.start(0, MODEL, 50);
        started();
        Sink sink = new Sink();
        Generation generation = engine.generate("k", completion("Long", null, 200), sink);
        await().atMost(PATIENCE).until(() -> sink.outputs.size() >= 2);
        generation.kill();
        await("the engine sees its client go").atMost(PATIENCE).until(() -> fake.cancelled() == 1);
        assertEquals(0, fake.completed());
        assertFalse(sink.end.isDone(), "a killed request hears nothing more");
    }

    @Test
    void stoppingAGenerationEndsItCancelledAndClosesTheEngineRequest() throws Exception {
        fake.close();
        fake = FakeOpenAiEngine.start(0, MODEL, 50);
        started();
        Sink sink = new Sink();
        Generation generation = engine.generate("s", completion("Long", null, 200), sink);
        await().atMost(PATIENCE).until(() -> sink.outputs.size() >= 2);
        generation.stop();
        assertNull(sink.error());
        assertEquals(EngineOutput.CANCELLED, sink.finishReason());
        await().atMost(PATIENCE).until(() -> fake.cancelled() == 1);
    }

    @Test
    void anEngineFailingItsHealthChecksInARowIsDead() throws Exception {
        started();
        assertFalse(engine.isDead());
        fake.healthStatus(500);
        await().atMost(PATIENCE).until(engine::isDead);
    }

    @Test
    void oneFailedHealthCheckIsNotDeath() throws Exception {
        started();
        fake.healthStatus(500);
        // Fewer than three polls of 100 ms.
        await().pollDelay(Duration.ofMillis(150)).atMost(PATIENCE).until(() -> true);
        fake.healthStatus(200);
        await().during(Duration.ofMillis(600)).atMost(PATIENCE).until(() -> !engine.isDead());
    }

    @Test
    void anEngineThatIsGoneIsDead() throws Exception {
        started();
        fake.close();
        await().atMost(PATIENCE).until(engine::isDead);
    }

    @Test
    void theLoadIsTheEnginesOwnMetrics() throws Exception {
        fake.close();
        fake = FakeOpenAiEngine.start(0, MODEL, 50);
        started();
        Sink sink = new Sink();
        Generation running = engine.generate("load", completion("Long", null, 200), sink);
        await().atMost(PATIENCE).until(() -> {
            LoadMetrics load = engine.loadMetrics(7);
            return load.activeSequences() == 1 && load.kvTotalBlocks() == 2048 && load.kvUsedBlocks() == 512;
        });
        running.kill();
    }
}
