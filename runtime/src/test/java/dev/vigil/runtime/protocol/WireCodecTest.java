package dev.vigil.runtime.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class WireCodecTest {

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void generateRequestIsDynamosSnakeCaseAndLeavesOutWhatIsUnset() {
        GenerateRequest request = new GenerateRequest(
                "mock-model", List.of(1, 2, 3), new StopConditions(20, null, null, Boolean.TRUE), null);
        assertEquals(
                "{\"model\":\"mock-model\",\"token_ids\":[1,2,3],"
                        + "\"stop_conditions\":{\"max_tokens\":20,\"ignore_eos\":true}}",
                text(WireCodec.encode(request)));
        assertEquals(request, WireCodec.decodeGenerateRequest(WireCodec.encode(request)));
    }

    @Test
    void decodingIgnoresFieldsItDoesNotKnowAtEveryLevel() {
        GenerateRequest request = WireCodec.decodeGenerateRequest(utf8("{\"model\":\"m\",\"token_ids\":[7],"
                + "\"stop_conditions\":{\"max_tokens\":3,\"min_tokens\":1},"
                + "\"sampling_options\":{\"temperature\":0.5,\"top_k\":4},\"mdc_sum\":\"x\"}"));
        assertEquals(List.of(7), request.tokenIds());
        assertEquals(3, request.stopConditions().maxTokens());
        assertEquals(0.5, request.samplingOptions().temperature());
    }

    @Test
    void aMigratedRequestSaysHowManyOfItsTokensWereGeneratedBefore() {
        GenerateRequest continued =
                new GenerateRequest("m", List.of(1, 2, 3), new StopConditions(null, null, null, null), null, 2);
        assertEquals(
                "{\"model\":\"m\",\"token_ids\":[1,2,3],\"stop_conditions\":{},\"prior_output_tokens\":2}",
                text(WireCodec.encode(continued)));
        assertEquals(
                2, WireCodec.decodeGenerateRequest(WireCodec.encode(continued)).priorOutputs());
        assertEquals(
                0,
                WireCodec.decodeGenerateRequest(utf8("{\"model\":\"m\",\"token_ids\":[1]}"))
                        .priorOutputs());
    }

    @Test
    void engineOutputsRoundTrip() {
        EngineOutput last = new EngineOutput(List.of(42), " end", EngineOutput.LENGTH);
        assertEquals(
                "{\"token_ids\":[42],\"text\":\" end\",\"finish_reason\":\"length\"}", text(WireCodec.encode(last)));
        assertEquals(last, WireCodec.decodeEngineOutput(WireCodec.encode(last)));
    }

    @Test
    void endpointAnswersRoundTrip() {
        assertEquals("{\"cleared_blocks\":12}", text(WireCodec.encode(new ClearKvBlocksResponse(12))));
        assertEquals(
                12,
                WireCodec.decodeClearKvBlocks(utf8("{\"cleared_blocks\":12}")).clearedBlocks());
        LoadMetrics load = new LoadMetrics(-5L, 3, 1024, 40, 2, 1, 0);
        assertEquals(load, WireCodec.decodeLoadMetrics(WireCodec.encode(load)));
    }

    @Test
    void aBodyThatIsNotTheExpectedShapeSaysWhy() {
        WireFormatException notJson =
                assertThrows(WireFormatException.class, () -> WireCodec.decodeGenerateRequest(utf8("{\"model\":")));
        assertTrue(notJson.getMessage().contains("end-of-input"), notJson.getMessage());
        assertThrows(WireFormatException.class, () -> WireCodec.decodeGenerateRequest(utf8("null")));
        assertThrows(WireFormatException.class, () -> WireCodec.decodeEngineOutput(utf8("[1,2]")));
        assertThrows(WireFormatException.class, () -> WireCodec.decodeGenerateRequest(utf8("{\"token_ids\":\"x\"}")));
    }

    @Test
    void theRequestAsTextIsAnOptionalFieldOthersIgnore() throws Exception {
        com.fasterxml.jackson.databind.JsonNode messages = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("[{\"role\":\"user\",\"content\":\"héllo\"}]");
        GenerateRequest request = new GenerateRequest(
                "m",
                List.of(1),
                new StopConditions(5, null, null, null),
                null,
                2,
                TextInput.chat(messages).continuing("so far"));
        assertEquals(
                "{\"model\":\"m\",\"token_ids\":[1],\"stop_conditions\":{\"max_tokens\":5},"
                        + "\"prior_output_tokens\":2,\"text_input\":{\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"héllo\"}],\"prior_output\":\"so far\"}}",
                text(WireCodec.encode(request)));
        assertEquals(request, WireCodec.decodeGenerateRequest(WireCodec.encode(request)));
        assertTrue(request.textInput().isChat());
        // A first attempt's text has no prior output, and a body without text_input still decodes.
        assertEquals(null, TextInput.completion("p").continuing("").priorOutput());
        assertEquals(
                null,
                WireCodec.decodeGenerateRequest(utf8("{\"token_ids\":[1]}")).textInput());
    }
}
