package dev.vigil.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.tokenizer.Tokenizer;

/** What the mock engine writes: deterministic, readable, migration-friendly, and where it stops. */
class MockEngineTextTest {

    static final Tokenizer TOKENIZER = Tokenizer.cl100k();
    static final List<Integer> PROMPT = TOKENIZER.encode("Tell me a story about a lighthouse keeper.");

    MockEngine engine;

    @BeforeEach
    void startEngine() {
        // No delays: these tests are about the tokens, not the timing.
        engine = new MockEngine(new MockerSettings(0, 0, 1, 16384, 16, 256, 0), TOKENIZER);
        engine.start().toCompletableFuture().join();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    static GenerateRequest request(List<Integer> prompt, StopConditions stop) {
        return new GenerateRequest("mock", prompt, stop, null);
    }

    static StopConditions maxTokens(int max) {
        return new StopConditions(max, null, null, true);
    }

    RecordingSink run(List<Integer> prompt, StopConditions stop) {
        RecordingSink sink = new RecordingSink();
        engine.generate("r", request(prompt, stop), sink);
        sink.awaitDone();
        assertEquals(List.of(), sink.violations);
        assertNull(sink.error());
        return sink;
    }

    @Test
    void theSamePromptGivesTheSameStream() {
        RecordingSink first = run(PROMPT, maxTokens(80));
        RecordingSink second = run(PROMPT, maxTokens(80));
        assertEquals(first.outputs, second.outputs);
        RecordingSink other = run(TOKENIZER.encode("Write a poem about the sea."), maxTokens(80));
        assertNotEquals(first.tokenIds(), other.tokenIds(), "another prompt, another text");
    }

    @Test
    void everyOutputIsOneTokenWithItsOwnText() {
        RecordingSink sink = run(PROMPT, maxTokens(120));
        for (EngineOutput output : sink.outputs) {
            assertEquals(1, output.tokenIds().size(), output.toString());
            assertEquals(TOKENIZER.decode(output.tokenIds()), output.text());
        }
        assertEquals(TOKENIZER.decode(sink.tokenIds()), sink.text());
    }

    @Test
    void theTextIsReadableEnglishSentences() {
        String text = run(PROMPT, maxTokens(200)).text();
        // Cut after the last full stop: max_tokens may end mid-sentence.
        String sentences = text.substring(0, text.lastIndexOf('.') + 1);
        assertTrue(sentences.length() > 100, text);
        assertTrue(sentences.matches("( [A-Z][a-z]+( [a-z]+){3,10}\\.)+"), text);
        // And the tokenizer reads it back as the very same tokens.
        assertEquals(sentences, TOKENIZER.decode(TOKENIZER.encode(sentences)), "round trip through the tokenizer");
    }

    @Test
    void anEmptyPromptStillGivesText() {
        RecordingSink sink = run(List.of(), maxTokens(10));
        assertEquals(10, sink.outputs.size());
        assertTrue(sink.text().startsWith(" "), sink.text());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 17, 100})
    void maxTokensGivesExactlyThatManyTokensEndingWithLength(int max) {
        RecordingSink sink = run(PROMPT, maxTokens(max));
        assertEquals(max, sink.outputs.size());
        assertEquals(EngineOutput.LENGTH, sink.finishReason());
        sink.outputs.subList(0, max - 1).forEach(o -> assertNull(o.finishReason()));
        assertTrue(sink.ended());
    }

    @Test
    void withoutMaxTokensTheDefaultCapApplies() {
        RecordingSink sink = run(PROMPT, new StopConditions(null, null, null, true));
        assertEquals(MockEngine.DEFAULT_MAX_TOKENS, sink.outputs.size());
        assertEquals(EngineOutput.LENGTH, sink.finishReason());
        RecordingSink noConditions = run(PROMPT, null);
        assertTrue(noConditions.outputs.size() <= MockEngine.DEFAULT_MAX_TOKENS);
    }

    /** A prompt whose text ends by itself early, found deterministically. */
    static List<Integer> promptWithNaturalEnd(MockEngineTextTest test) {
        for (int i = 0; ; i++) {
            List<Integer> prompt = TOKENIZER.encode("Story number " + i + ".");
            RecordingSink sink = test.run(prompt, new StopConditions(200, null, null, false));
            if (EngineOutput.STOP.equals(sink.finishReason()) && sink.outputs.size() < 150) {
                return prompt;
            }
        }
    }

    @Test
    void theTextEndsNaturallyWithStopUnlessIgnoreEos() {
        List<Integer> prompt = promptWithNaturalEnd(this);
        RecordingSink natural = run(prompt, new StopConditions(200, null, null, false));
        assertEquals(EngineOutput.STOP, natural.finishReason());
        assertEquals(".", natural.last().text(), "the end carries the full stop: " + natural.text());

        RecordingSink ignoring = run(prompt, new StopConditions(200, null, null, true));
        assertEquals(200, ignoring.outputs.size());
        assertEquals(EngineOutput.LENGTH, ignoring.finishReason());
        assertEquals(natural.tokenIds(), ignoring.tokenIds().subList(0, natural.outputs.size()));
    }

    @Test
    void aStopTokenIdEndsTheTextOnThatToken() {
        List<Integer> free = run(PROMPT, maxTokens(60)).tokenIds();
        int stopId = free.get(7);
        int first = free.indexOf(stopId);
        RecordingSink sink = run(PROMPT, new StopConditions(60, null, List.of(stopId), true));
        assertEquals(free.subList(0, first + 1), sink.tokenIds());
        assertEquals(EngineOutput.STOP, sink.finishReason());
        assertEquals("", sink.last().text(), "a stop token has no text, like an end-of-sequence token");
    }

    @Test
    void aOneWordStopStringEndsTheTextBeforeIt() {
        RecordingSink free = run(PROMPT, maxTokens(60));
        String stop = free.outputs.get(9).text();
        assertStopsBefore(stop, free);
    }

    @Test
    void aStopStringAcrossTokensNeverReachesTheStream() {
        RecordingSink free = run(PROMPT, maxTokens(60));
        // The end of one word and the start of the next: the match begins inside a token.
        int i = 5;
        while (free.outputs.get(i).text().length() < 3
                || free.outputs.get(i + 1).text().length() < 3) {
            i++;
        }
        String word = free.outputs.get(i).text();
        String stop = word.substring(word.length() - 2)
                + free.outputs.get(i + 1).text().substring(0, 3);
        assertStopsBefore(stop, free);
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        RecordingSink free = run(PROMPT, maxTokens(60));
        String late = free.outputs.get(30).text();
        String early = free.outputs.get(4).text();
        RecordingSink sink = run(PROMPT, new StopConditions(60, List.of(late, early), null, true));
        int first = Math.min(free.text().indexOf(late), free.text().indexOf(early));
        assertEquals(free.text().substring(0, first), sink.text());
    }

    @Test
    void aStopStringThatNeverAppearsChangesNothing() {
        RecordingSink free = run(PROMPT, maxTokens(40));
        RecordingSink sink = run(PROMPT, new StopConditions(40, List.of("zebra", ""), null, true));
        assertEquals(free.outputs, sink.outputs);
    }

    private void assertStopsBefore(String stop, RecordingSink free) {
        String full = free.text();
        int at = full.indexOf(stop);
        assertTrue(at >= 0, stop);
        RecordingSink sink = run(PROMPT, new StopConditions(60, List.of(stop), null, true));
        assertEquals(full.substring(0, at), sink.text(), "the text stops right before '" + stop + "'");
        assertEquals(EngineOutput.STOP, sink.finishReason());
        // The last output holds the token in which the stop string begins.
        int tokens = sink.outputs.size();
        assertEquals(free.tokenIds().subList(0, tokens), sink.tokenIds());
        assertTrue(TOKENIZER.decode(free.tokenIds().subList(0, tokens - 1)).length() <= at);
        assertTrue(TOKENIZER.decode(free.tokenIds().subList(0, tokens)).length() > at);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 13, 39})
    void aRequestResentWithTheTokensSoFarContinuesExactly(int k) {
        int n = 40;
        RecordingSink original = run(PROMPT, maxTokens(n));
        List<Integer> generated = original.tokenIds();

        List<Integer> resent = new ArrayList<>(PROMPT);
        resent.addAll(generated.subList(0, k));
        RecordingSink continued = run(resent, maxTokens(n - k));

        assertEquals(original.outputs.subList(k, n), continued.outputs);
    }

    @Test
    void migrationKeepsTheNaturalEndAndStopStrings() {
        List<Integer> prompt = promptWithNaturalEnd(this);
        StopConditions conditions = new StopConditions(200, List.of(" zebra"), null, false);
        RecordingSink original = run(prompt, conditions);
        int n = original.outputs.size();
        for (int k = 1; k < n; k += 5) {
            List<Integer> resent = new ArrayList<>(prompt);
            resent.addAll(original.tokenIds().subList(0, k));
            RecordingSink continued = run(resent, conditions.withMaxTokens(200 - k));
            assertEquals(original.outputs.subList(k, n), continued.outputs, "resent after " + k);
        }
    }

    @Test
    void aPromptEndingInTheGrammarIsContinued() {
        List<Integer> prompt = TOKENIZER.encode("Once upon a time the clever baker paints the");
        String text = run(prompt, maxTokens(1)).text();
        assertFalse(text.isBlank());
        assertTrue(text.matches(" [a-z]+"), "a place follows 'the': " + text);
    }

    RecordingSink continued(List<Integer> tokens, StopConditions stop, int priorOutputs) {
        RecordingSink sink = new RecordingSink();
        engine.generate("r", new GenerateRequest("mock", tokens, stop, null, priorOutputs), sink);
        sink.awaitDone();
        assertEquals(List.of(), sink.violations);
        assertNull(sink.error());
        return sink;
    }

    @Test
    void aMigratedRequestWithoutMaxTokensEndsWhereTheUninterruptedOneWould() {
        List<Integer> prompt = TOKENIZER.encode("Once upon a time");
        StopConditions noMax = new StopConditions(null, null, null, true);
        RecordingSink whole = run(prompt, noMax);
        assertEquals(MockEngine.DEFAULT_MAX_TOKENS, whole.tokenIds().size());

        // The first attempt died after 100 tokens; the continuation carries them and says so.
        List<Integer> sofar = new ArrayList<>(prompt);
        sofar.addAll(whole.tokenIds().subList(0, 100));
        RecordingSink rest = continued(sofar, noMax, 100);
        assertEquals(whole.tokenIds().subList(100, MockEngine.DEFAULT_MAX_TOKENS), rest.tokenIds());
        assertEquals(EngineOutput.LENGTH, rest.finishReason());
    }

    @Test
    void aContinuationWithNothingLeftToGenerateEndsAtOnceWithLength() {
        List<Integer> prompt = TOKENIZER.encode("Once upon a time");
        RecordingSink defaultSpent =
                continued(prompt, new StopConditions(null, null, null, true), MockEngine.DEFAULT_MAX_TOKENS);
        assertEquals(List.of(), defaultSpent.tokenIds());
        assertEquals(EngineOutput.LENGTH, defaultSpent.finishReason());
        RecordingSink maxSpent = continued(prompt, maxTokens(0), 7);
        assertEquals(List.of(), maxSpent.tokenIds());
        assertEquals(EngineOutput.LENGTH, maxSpent.finishReason());
    }
}
