package dev.vigil.runtime.tokenizer;

import java.util.List;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Text to token ids and back with a real BPE vocabulary ({@code cl100k_base}, via jtokkit). The
 * frontend tokenizes prompts and the ids travel to the worker; the mock engine emits ids from the
 * same vocabulary. Thread-safe.
 */
public final class Tokenizer {

    private static final Tokenizer CL100K =
            new Tokenizer(Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE));

    private final Encoding encoding;

    private Tokenizer(Encoding encoding) {
        this.encoding = encoding;
    }

    public static Tokenizer cl100k() {
        return CL100K;
    }

    public List<Integer> encode(String text) {
        return encoding.encodeOrdinary(text).boxed();
    }

    public String decode(List<Integer> tokenIds) {
        IntArrayList ids = new IntArrayList(tokenIds.size());
        tokenIds.forEach(ids::add);
        return encoding.decode(ids);
    }
}
