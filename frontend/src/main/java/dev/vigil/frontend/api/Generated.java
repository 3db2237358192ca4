package dev.vigil.frontend.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.GenerateRequest;
import dev.vigil.runtime.protocol.StopConditions;
import dev.vigil.runtime.protocol.WireCodec;

/**
 * What a request's attempts have generated so far, and the continuation a migration sends: the
 * prompt plus every generated token, asking only for what is still missing.
 *
 * <p>Token ids are kept unboxed (a stream may run to tens of thousands of tokens, 4 bytes each
 * instead of ~20 boxed), and only when a continuation may be sent: with migration off ({@code
 * DYN_MIGRATION_LIMIT=0}, the default) a stream keeps counts only, so what a stalled stream costs the
 * frontend does not grow with the tokens it already delivered. The text is kept for unary answers
 * and, with migration on, for engines that tokenize themselves.
 */
final class Generated {

    private final GenerateRequest original;
    private final boolean keepsHistory;
    private final boolean keepsText;

    private int[] ids = new int[16];
    private int count;
    private final StringBuilder text = new StringBuilder();
    private String finishReason;

    Generated(GenerateRequest original, boolean keepsHistory, boolean unary) {
        this.original = original;
        this.keepsHistory = keepsHistory;
        this.keepsText = keepsHistory || unary;
    }

    /** Takes one frame of engine output; returns its text (empty when it has none). */
    String add(EngineOutput out) {
        List<Integer> tokens = out.tokenIds() == null ? List.of() : out.tokenIds();
        if (keepsHistory) {
            if (count + tokens.size() > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, count + tokens.size()));
            }
            for (Integer id : tokens) {
                ids[count++] = id == null ? 0 : id;
            }
        } else {
            count += tokens.size();
        }
        String piece = out.text() == null ? "" : out.text();
        if (keepsText) {
            text.append(piece);
        }
        if (out.finishReason() != null) {
            finishReason = out.finishReason();
        }
        return piece;
    }

    int promptTokens() {
        return original.tokenIds().size();
    }

    /** Tokens generated so far. */
    int count() {
        return count;
    }

    String text() {
        return text.toString();
    }

    /** The engine's finish reason, {@code stop} when it gave none. */
    String finishReason() {
        return finishReason == null ? EngineOutput.STOP : finishReason;
    }

    /** The payload to send next: {@code original} (the request as encoded) while nothing was generated. */
    byte[] nextPayload(byte[] original) {
        return count == 0 ? original : WireCodec.encode(continuation());
    }

    /** The request to send next: the original while nothing was generated. */
    GenerateRequest continuation() {
        if (count == 0) {
            return original;
        }
        List<Integer> tokens = new ArrayList<>(original.tokenIds().size() + count);
        tokens.addAll(original.tokenIds());
        for (int i = 0; i < count; i++) {
            tokens.add(ids[i]);
        }
        StopConditions stop = original.stopConditions();
        Integer max = stop.maxTokens() == null ? null : Math.max(0, stop.maxTokens() - count);
        // The text so far too, for engines that tokenize themselves: they continue it exactly.
        return new GenerateRequest(
                original.model(),
                tokens,
                stop.withMaxTokens(max),
                original.samplingOptions(),
                count,
                original.textInput() == null ? null : original.textInput().continuing(text.toString()),
                original.priority());
    }
}
