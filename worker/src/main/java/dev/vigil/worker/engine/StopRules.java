package dev.vigil.worker.engine;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.StopConditions;

/**
 * When one request's generation ends, and what its next output is.
 *
 * <p>Precedence on one token: a stop token id, then a stop string, then the natural end of the text
 * (unless {@code ignoreEos}), then {@code maxTokens}. The first three finish with {@code stop}, the
 * last with {@code length}.
 *
 * <p>Stop strings are matched on the generated text only, never the prompt, and never appear in the
 * stream: because the model is deterministic the rules look ahead as far as the longest stop string
 * needs, so the output whose token starts a match is the last one, its text cut just before the
 * match. A stop token id is emitted as the last output's token with empty text, as an end-of-sequence
 * token would be.
 *
 * @param maxTokens tokens to generate at most, 1 or more
 * @param stopStrings non-empty strings that end the text where they begin
 * @param stopTokenIds token ids that end the text
 * @param ignoreEos whether the model's natural end of text is ignored
 */
record StopRules(int maxTokens, List<String> stopStrings, Set<Integer> stopTokenIds, boolean ignoreEos) {

    /** One output of the stream, and the model state after its token. */
    record Emission(int token, String text, String finishReason, GrammarModel.State after) {

        EngineOutput output() {
            return new EngineOutput(List.of(token), text, finishReason);
        }

        boolean isLast() {
            return finishReason != null;
        }
    }

    StopRules {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be 1 or more, got " + maxTokens);
        }
        stopStrings = stopStrings.stream().filter(s -> !s.isEmpty()).toList();
        stopTokenIds = Set.copyOf(stopTokenIds);
    }

    /**
     * The rules of a request. {@code maxTokens} is the request's, or {@code defaultMaxTokens} when it
     * has none, and never more than {@code room}: the tokens the KV cache can hold after the prompt,
     * so a sequence that would outgrow the whole cache ends with {@code length} on a real token.
     */
    static StopRules of(StopConditions conditions, int defaultMaxTokens, long room) {
        StopConditions c = conditions == null ? new StopConditions(null, null, null, null) : conditions;
        int max = c.maxTokens() == null ? defaultMaxTokens : c.maxTokens();
        if (max < 1) {
            throw new IllegalArgumentException("max_tokens must be 1 or more, got " + max);
        }
        return new StopRules(
                (int) Math.min(max, room),
                c.stop() == null
                        ? List.of()
                        : c.stop().stream().filter(Objects::nonNull).toList(),
                c.stopTokenIds() == null ? Set.of() : Set.copyOf(c.stopTokenIds()),
                Boolean.TRUE.equals(c.ignoreEos()));
    }

    /** The output after {@code generated} tokens, the model standing at {@code state}. */
    Emission next(GrammarModel model, GrammarModel.State state, int generated) {
        int token = model.next(state);
        GrammarModel.State after = model.after(state, token);
        int count = generated + 1;
        if (stopTokenIds.contains(token)) {
            return new Emission(token, "", EngineOutput.STOP, after);
        }
        String text = model.text(token);
        int cut = stopStringStart(model, text, after, count);
        if (cut >= 0) {
            return new Emission(token, text.substring(0, cut), EngineOutput.STOP, after);
        }
        if (endsAt(model, after)) {
            return new Emission(token, text, EngineOutput.STOP, after);
        }
        if (count >= maxTokens) {
            return new Emission(token, text, EngineOutput.LENGTH, after);
        }
        return new Emission(token, text, null, after);
    }

    private boolean endsAt(GrammarModel model, GrammarModel.State state) {
        return !ignoreEos && model.endsText(state);
    }

    /**
     * Where in {@code text} the earliest stop string begins, or -1. A match that began in an earlier
     * token was found by that token's look-ahead, so only matches beginning in this token count; one
     * the sequence ends before completing does not count.
     */
    private int stopStringStart(GrammarModel model, String text, GrammarModel.State after, int count) {
        if (stopStrings.isEmpty()) {
            return -1;
        }
        int longest = stopStrings.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder window = new StringBuilder(text);
        GrammarModel.State state = after;
        int produced = count;
        while (window.length() < text.length() + longest - 1 && !endsAt(model, state) && produced < maxTokens) {
            int token = model.next(state);
            if (stopTokenIds.contains(token)) {
                break;
            }
            window.append(model.text(token));
            state = model.after(state, token);
            produced++;
        }
        String ahead = window.toString();
        for (int i = 0; i < text.length(); i++) {
            for (String stop : stopStrings) {
                if (ahead.startsWith(stop, i)) {
                    return i;
                }
            }
        }
        return -1;
    }
}
