package dev.vigil.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vigil.runtime.tokenizer.Tokenizer;

/**
 * The mock engine's text is pinned: the vocabulary moved from code to {@code grammar-words.txt}, and
 * any change to it, or to how it is read, changes what every mock worker writes (and what recorded
 * benchmarks and migration tests compare against).
 */
class GrammarModelTest {

    /** SHA-256 of the text below, as the model wrote it when its words were still in the code. */
    static final String PINNED = "8040f8445976a9154f486c925f4be25abd0fe4caf115984e43ac09bb996b8068";

    @Test
    void theTextIsWhatItWasWhenTheWordsWereInTheCode() throws NoSuchAlgorithmException {
        Tokenizer tokenizer = Tokenizer.cl100k();
        GrammarModel model = new GrammarModel(tokenizer);
        StringBuilder text = new StringBuilder();
        for (String prompt : List.of("", "Hello there", "The quick brown fox jumps over the lazy dog.")) {
            GrammarModel.State state = model.start(tokenizer.encode(prompt));
            for (int i = 0; i < 5000; i++) {
                int token = model.next(state);
                state = model.after(state, token);
                text.append(model.text(token));
                if (model.endsText(state)) {
                    text.append('|');
                }
            }
            text.append('\n');
        }
        byte[] digest =
                MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(PINNED, HexFormat.of().formatHex(digest), text.substring(0, 200));
    }
}
