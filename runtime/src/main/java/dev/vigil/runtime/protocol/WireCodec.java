package dev.vigil.runtime.protocol;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one place request-plane bodies are encoded and decoded, for both apps: a {@link
 * GenerateRequest} going to a worker, each {@link EngineOutput} coming back, and the answers of
 * {@code load_metrics} ({@link LoadMetrics}, also the periodic load event) and {@code
 * clear_kv_blocks} ({@link ClearKvBlocksResponse}). Stream framing and controls (ack, data,
 * heartbeat, end, error, stop, kill) belong to each request plane's transport, not to these bodies.
 *
 * <p>Decoding ignores fields it does not know, as Dynamo's serde types do, so a newer peer that adds
 * a field is still understood. Encoding cannot fail for these records; a failure would be a bug, so
 * it is unchecked.
 */
public final class WireCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private WireCodec() {}

    public static byte[] encode(GenerateRequest request) {
        return bytes(request);
    }

    public static byte[] encode(EngineOutput output) {
        return bytes(output);
    }

    public static byte[] encode(LoadMetrics load) {
        return bytes(load);
    }

    public static byte[] encode(ClearKvBlocksResponse answer) {
        return bytes(answer);
    }

    /** A {@code generate} body as text: how a canary payload is shown and configured. */
    public static String text(GenerateRequest request) {
        try {
            return MAPPER.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not encode " + request, e);
        }
    }

    /** @throws WireFormatException when {@code body} is not a generate request */
    public static GenerateRequest decodeGenerateRequest(byte[] body) {
        return read(body, GenerateRequest.class);
    }

    /** @throws WireFormatException when {@code body} is not an engine output */
    public static EngineOutput decodeEngineOutput(byte[] body) {
        return read(body, EngineOutput.class);
    }

    /** @throws WireFormatException when {@code body} is not a load report */
    public static LoadMetrics decodeLoadMetrics(byte[] body) {
        return read(body, LoadMetrics.class);
    }

    /** @throws WireFormatException when {@code body} is not a clear_kv_blocks answer */
    public static ClearKvBlocksResponse decodeClearKvBlocks(byte[] body) {
        return read(body, ClearKvBlocksResponse.class);
    }

    private static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not encode " + value, e);
        }
    }

    private static <T> T read(byte[] body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new WireFormatException("body is JSON null", null);
            }
            return value;
        } catch (IOException e) {
            throw new WireFormatException(e.getMessage(), e);
        }
    }
}
