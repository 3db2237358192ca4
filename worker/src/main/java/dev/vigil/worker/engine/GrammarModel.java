package dev.vigil.worker.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.vigil.runtime.tokenizer.Tokenizer;

/**
 * The mock engine's "language model": deterministic, readable English from a tiny sentence grammar
 * such as {@code " The clever baker paints your wooden boat near the harbor today."}.
 *
 * <p>The next token is a pure function of the token ids so far: of a hash of all of them (prompt and
 * generated alike) and of the grammatical role of the last one. Nothing depends on where the prompt
 * ends, so a request re-sent with the prompt plus the tokens generated so far (Dynamo's request
 * migration) continues with exactly the tokens the first attempt would have produced. Both are
 * folded incrementally into a {@link State}, so a step costs the same however long the sequence.
 *
 * <p>The words, by role, are in {@value #WORDS_RESOURCE} beside this class. Every word is one
 * cl100k token when preceded by a space, checked when the model is built; a
 * word that is not is dropped. The word classes are disjoint, so a token id alone tells its role,
 * which is what lets a re-sent sequence recover the grammar state from its ids.
 */
final class GrammarModel {

    /** The role of a token in the grammar; each role names the roles that may follow it. */
    enum Role {
        SENTENCE_DETERMINER,
        SUBJECT_ADJECTIVE,
        SUBJECT,
        VERB,
        OBJECT_DETERMINER,
        OBJECT_ADJECTIVE,
        OBJECT,
        PREPOSITION,
        PLACE_DETERMINER,
        PLACE,
        ADVERB,
        PERIOD
    }

    /**
     * Where a sequence stands: a hash of every token id so far and the role of the last one ({@code
     * null} when the last token is not one of ours, for instance at the end of a prompt, which starts
     * a new sentence).
     */
    record State(long hash, Role last) {}

    /** One in this many generated sentences is the last one of the text (a natural end). */
    static final int SENTENCES_PER_END = 16;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** Where the words live, beside this class; see the file's header for its format. */
    static final String WORDS_RESOURCE = "grammar-words.txt";

    /** The words of each role, in file order (the order picks the word, so it is part of the text). */
    private static final Map<Role, List<String>> WORDS = readWords(WORDS_RESOURCE);

    /** The roles that may follow each role, each as often as it is listed. */
    private static final Map<Role, List<Role>> FOLLOWERS = new EnumMap<>(Role.class);

    static {
        FOLLOWERS.put(Role.SENTENCE_DETERMINER, List.of(Role.SUBJECT_ADJECTIVE, Role.SUBJECT, Role.SUBJECT));
        FOLLOWERS.put(Role.SUBJECT_ADJECTIVE, List.of(Role.SUBJECT));
        FOLLOWERS.put(Role.SUBJECT, List.of(Role.VERB));
        FOLLOWERS.put(Role.VERB, List.of(Role.OBJECT_DETERMINER));
        FOLLOWERS.put(Role.OBJECT_DETERMINER, List.of(Role.OBJECT_ADJECTIVE, Role.OBJECT, Role.OBJECT));
        FOLLOWERS.put(Role.OBJECT_ADJECTIVE, List.of(Role.OBJECT));
        FOLLOWERS.put(Role.OBJECT, List.of(Role.PERIOD, Role.PERIOD, Role.PREPOSITION, Role.PREPOSITION, Role.ADVERB));
        FOLLOWERS.put(Role.PREPOSITION, List.of(Role.PLACE_DETERMINER));
        FOLLOWERS.put(Role.PLACE_DETERMINER, List.of(Role.PLACE));
        FOLLOWERS.put(Role.PLACE, List.of(Role.PERIOD, Role.PERIOD, Role.PERIOD, Role.ADVERB));
        FOLLOWERS.put(Role.ADVERB, List.of(Role.PERIOD));
        FOLLOWERS.put(Role.PERIOD, List.of(Role.SENTENCE_DETERMINER));
    }

    private final Map<Role, int[]> tokensByRole = new EnumMap<>(Role.class);
    private final Map<Integer, Role> roleByToken = new HashMap<>();
    private final Map<Integer, String> textByToken = new HashMap<>();

    GrammarModel(Tokenizer tokenizer) {
        for (Map.Entry<Role, List<String>> entry : WORDS.entrySet()) {
            List<Integer> ids = new ArrayList<>();
            for (String word : entry.getValue()) {
                List<Integer> encoded = tokenizer.encode(" " + word);
                if (encoded.size() == 1) {
                    add(entry.getKey(), encoded.get(0), ids);
                }
            }
            tokensByRole.put(
                    entry.getKey(), ids.stream().mapToInt(Integer::intValue).toArray());
        }
        List<Integer> period = tokenizer.encode(".");
        if (period.size() != 1) {
            throw new IllegalStateException("'.' is not a single token in this vocabulary");
        }
        List<Integer> periodIds = new ArrayList<>();
        add(Role.PERIOD, period.get(0), periodIds);
        tokensByRole.put(
                Role.PERIOD, periodIds.stream().mapToInt(Integer::intValue).toArray());
        for (Map.Entry<Role, int[]> entry : tokensByRole.entrySet()) {
            if (entry.getValue().length == 0) {
                throw new IllegalStateException("no word of role " + entry.getKey() + " is a single token");
            }
        }
        for (Map.Entry<Integer, Role> entry : roleByToken.entrySet()) {
            textByToken.put(entry.getKey(), tokenizer.decode(List.of(entry.getKey())));
        }
    }

    private void add(Role role, int id, List<Integer> ids) {
        Role previous = roleByToken.putIfAbsent(id, role);
        if (previous != null && previous != role) {
            // A shared token would make the role of a re-sent token ambiguous and break migration.
            throw new IllegalStateException("token " + id + " is both " + previous + " and " + role);
        }
        if (previous == null) {
            ids.add(id);
        }
    }

    /** The state after a prompt. */
    State start(List<Integer> prompt) {
        long hash = FNV_OFFSET;
        for (int id : prompt) {
            hash = fold(hash, id);
        }
        Role last = prompt.isEmpty() ? null : roleByToken.get(prompt.get(prompt.size() - 1));
        return new State(hash, last);
    }

    /** The token that follows {@code state}. */
    int next(State state) {
        long random = mix(state.hash());
        List<Role> followers = FOLLOWERS.get(state.last() == null ? Role.PERIOD : state.last());
        Role role = followers.get((int) Long.remainderUnsigned(random >>> 32, followers.size()));
        int[] tokens = tokensByRole.get(role);
        return tokens[(int) Long.remainderUnsigned(random & 0xffffffffL, tokens.length)];
    }

    /** The state once {@code token}, produced by {@link #next}, is appended. */
    State after(State state, int token) {
        return new State(fold(state.hash(), token), roleByToken.get(token));
    }

    /**
     * Whether the text ends at {@code state}: only right after a period, for one sentence in {@link
     * #SENTENCES_PER_END}. It is decided from the state that includes the period, so the period
     * itself carries the end and a stream never ends without a token.
     */
    boolean endsText(State state) {
        if (state.last() != Role.PERIOD) {
            return false;
        }
        // The top bits: after a period next() has a single role to pick and takes the word from the
        // low bits, so ending and the first word of the next sentence stay independent.
        return Long.remainderUnsigned(mix(state.hash()) >>> 56, SENTENCES_PER_END) == 0;
    }

    /** The text of a token this model produces. */
    String text(int token) {
        String text = textByToken.get(token);
        if (text == null) {
            throw new IllegalArgumentException("not a token of the grammar: " + token);
        }
        return text;
    }

    /**
     * Reads the vocabulary: a role name at the margin, then its words on indented lines. Read once,
     * when the class loads; a file that does not parse is a build mistake, so it fails loudly.
     */
    static Map<Role, List<String>> readWords(String resource) {
        InputStream in = GrammarModel.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the mock engine's vocabulary " + resource + " is missing");
        }
        Map<Role, List<String>> words = new EnumMap<>(Role.class);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> current = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (!Character.isWhitespace(line.charAt(0))) {
                    Role role = Role.valueOf(line.strip());
                    current = new ArrayList<>();
                    if (role == Role.PERIOD || words.put(role, current) != null) {
                        throw new IllegalStateException(resource + ": role " + role + " listed twice or not allowed");
                    }
                } else if (current == null) {
                    throw new IllegalStateException(resource + ": words before the first role: " + line.strip());
                } else {
                    current.addAll(List.of(line.strip().split("\\s+")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
        for (Role role : Role.values()) {
            if (role != Role.PERIOD && !words.containsKey(role)) {
                throw new IllegalStateException(resource + ": no words for role " + role);
            }
        }
        words.replaceAll((role, list) -> List.copyOf(list));
        return words;
    }

    /** 64-bit FNV-1a over the token ids: cheap, incremental, and sensitive to order. */
    private static long fold(long hash, int id) {
        return (hash ^ (id & 0xffffffffL)) * FNV_PRIME;
    }

    /** SplitMix64's finalizer: FNV's low bits are too regular to pick from directly. */
    private static long mix(long hash) {
        long z = hash;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
