package dev.vigil.runtime.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The two Jackson mappers of Vigil's main code, and the only place one is made (BoundariesTest
 * checks). Both are thread-safe once built and never reconfigured.
 *
 * <ul>
 *   <li>{@link #WIRE}: what other processes send and what Vigil writes: request-plane payloads
 *       ({@code WireCodec}), discovery records, engine answers, admin bodies. Unknown fields are
 *       ignored, so a newer peer's extra field breaks nothing (Dynamo's serde does the same).
 *   <li>{@link #STRICT}: a value an operator wrote by hand (a canary payload in a variable or file):
 *       anything after the JSON value is an error, not silently dropped, so a typo is reported.
 * </ul>
 *
 * The frontend's OpenAI API uses the Quarkus-managed mapper through Vert.x, not these.
 */
public final class Json {

    public static final ObjectMapper WIRE = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}
}
