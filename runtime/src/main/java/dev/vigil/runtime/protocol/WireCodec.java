package dev.vigil.runtime.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.runtime.json.Json;

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

    private static final ObjectMapper MAPPER = Json.WIRE;

    private WireCodec() {}

    /**
     * Written field by field with the mapper's generator, in the records' order and with their
     * {@code NON_NULL} rule: the bytes {@code writeValueAsBytes} gives, without its reflective accessor
     * calls (the frontend encodes one per request and attempt). {@code WireCodecTest}
     * compares the two.
     */
    public static byte[] encode(GenerateRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 8 * sizeOf(request.tokenIds()));
        try (JsonGenerator gen = MAPPER.createGenerator(out)) {
            gen.writeStartObject();
            stringField(gen, "model", request.model());
            intsField(gen, "token_ids", request.tokenIds());
            StopConditions stop = request.stopConditions();
            if (stop != null) {
                gen.writeObjectFieldStart("stop_conditions");
                intField(gen, "max_tokens", stop.maxTokens());
                if (stop.stop() != null) {
                    gen.writeArrayFieldStart("stop");
                    for (String s : stop.stop()) {
                        gen.writeString(s);
                    }
                    gen.writeEndArray();
                }
                intsField(gen, "stop_token_ids", stop.stopTokenIds());
                if (stop.ignoreEos() != null) {
                    gen.writeBooleanField("ignore_eos", stop.ignoreEos());
                }
                gen.writeEndObject();
            }
            SamplingOptions sampling = request.samplingOptions();
            if (sampling != null) {
                gen.writeObjectFieldStart("sampling_options");
                if (sampling.temperature() != null) {
                    gen.writeNumberField("temperature", sampling.temperature());
                }
                if (sampling.topP() != null) {
                    gen.writeNumberField("top_p", sampling.topP());
                }
                if (sampling.seed() != null) {
                    gen.writeNumberField("seed", sampling.seed());
                }
                gen.writeEndObject();
            }
            intField(gen, "prior_output_tokens", request.priorOutputTokens());
            TextInput text = request.textInput();
            if (text != null) {
                gen.writeObjectFieldStart("text_input");
                stringField(gen, "prompt", text.prompt());
                if (text.messages() != null) {
                    gen.writeFieldName("messages");
                    MAPPER.writeTree(gen, text.messages());
                }
                stringField(gen, "prior_output", text.priorOutput());
                gen.writeEndObject();
            }
            intField(gen, "priority", request.priority());
            gen.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("Could not encode " + request, e);
        }
        return out.toByteArray();
    }

    private static int sizeOf(List<?> list) {
        return list == null ? 0 : list.size();
    }

    private static void stringField(JsonGenerator gen, String field, String value) throws IOException {
        if (value != null) {
            gen.writeStringField(field, value);
        }
    }

    private static void intField(JsonGenerator gen, String field, Integer value) throws IOException {
        if (value != null) {
            gen.writeNumberField(field, value.intValue());
        }
    }

    private static void intsField(JsonGenerator gen, String field, List<Integer> values) throws IOException {
        if (values == null) {
            return;
        }
        gen.writeArrayFieldStart(field);
        for (Integer value : values) {
            if (value == null) {
                gen.writeNull();
            } else {
                gen.writeNumber(value.intValue());
            }
        }
        gen.writeEndArray();
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

    /**
     * Read with the mapper's parser when the body has the shape engines write (an object whose {@code
     * token_ids} are integers, {@code text} and {@code finish_reason} strings or null, anything else
     * skipped), without the reflective record construction (the frontend decodes one per response
     * frame); any other body, and every malformed one, goes through the mapper, which decides as
     * before (coercions, error messages).
     *
     * @throws WireFormatException when {@code body} is not an engine output
     */
    public static EngineOutput decodeEngineOutput(byte[] body) {
        EngineOutput plain = plainEngineOutput(body);
        return plain != null ? plain : read(body, EngineOutput.class);
    }

    /** The engine output in {@code body} if it has the plain shape, else null. */
    private static EngineOutput plainEngineOutput(byte[] body) {
        try (JsonParser parser = MAPPER.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            List<Integer> tokenIds = null;
            String text = null;
            String finishReason = null;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                if (token != JsonToken.FIELD_NAME) {
                    return null;
                }
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "token_ids" -> {
                        if (value == JsonToken.VALUE_NULL) {
                            tokenIds = null;
                        } else if (value == JsonToken.START_ARRAY) {
                            tokenIds = new ArrayList<>();
                            for (JsonToken id = parser.nextToken();
                                    id != JsonToken.END_ARRAY;
                                    id = parser.nextToken()) {
                                if (id != JsonToken.VALUE_NUMBER_INT
                                        || parser.getNumberType() != JsonParser.NumberType.INT) {
                                    return null;
                                }
                                tokenIds.add(parser.getIntValue());
                            }
                        } else {
                            return null;
                        }
                    }
                    case "text", "finish_reason" -> {
                        String string;
                        if (value == JsonToken.VALUE_NULL) {
                            string = null;
                        } else if (value == JsonToken.VALUE_STRING) {
                            string = parser.getText();
                        } else {
                            return null;
                        }
                        if (field.equals("text")) {
                            text = string;
                        } else {
                            finishReason = string;
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            return new EngineOutput(tokenIds, text, finishReason);
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
