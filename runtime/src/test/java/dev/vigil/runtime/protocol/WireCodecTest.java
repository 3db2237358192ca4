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
    void aPriorityIsOptionalOnTheWireAndAbsentMeansTheDefault() throws Exception {
        GenerateRequest urgent = new GenerateRequest("m", List.of(1), null, null, null, null, 7);
        assertEquals("{\"model\":\"m\",\"token_ids\":[1],\"priority\":7}", text(WireCodec.encode(urgent)));
        assertEquals(text(RECORDS.writeValueAsBytes(urgent)), text(WireCodec.encode(urgent)));
        assertEquals(
                7, WireCodec.decodeGenerateRequest(WireCodec.encode(urgent)).admissionPriority());
        GenerateRequest plain = WireCodec.decodeGenerateRequest(utf8("{\"model\":\"m\",\"token_ids\":[1]}"));
        assertEquals(null, plain.priority());
        assertEquals(GenerateRequest.DEFAULT_PRIORITY, plain.admissionPriority());
        // A peer that did not check the range: held to the nearest end.
        assertEquals(
                GenerateRequest.MAX_PRIORITY,
                WireCodec.decodeGenerateRequest(utf8("{\"token_ids\":[1],\"priority\":100000}"))
                        .admissionPriority());
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

    /** The mapper WireCodec wrote with before it wrote field by field: the bytes must not change. */
    private static final com.fasterxml.jackson.databind.ObjectMapper RECORDS =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .build();

    @Test
    void generateRequestsAreWrittenAsTheMapperWritesTheRecords() throws Exception {
        com.fasterxml.jackson.databind.JsonNode messages = RECORDS.readTree(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"é \\u2028 \\\" x\"}]}]");
        List<StopConditions> stops = java.util.Arrays.asList(
                null,
                new StopConditions(null, null, null, null),
                new StopConditions(1, List.of("a", "\"\n"), List.of(2, 3), Boolean.FALSE),
                new StopConditions(Integer.MAX_VALUE, java.util.Arrays.asList("x", null), List.of(), Boolean.TRUE));
        List<SamplingOptions> samplings = java.util.Arrays.asList(
                null,
                new SamplingOptions(0.7, null, null),
                new SamplingOptions(0.1 + 0.2, 1e-9, Long.MIN_VALUE),
                new SamplingOptions(Double.NaN, 2.0, 0L));
        List<TextInput> texts = java.util.Arrays.asList(
                null,
                TextInput.completion("tell me \uD83D\uDE00 </script>"),
                TextInput.chat(messages).continuing("so far"),
                TextInput.chat(com.fasterxml.jackson.databind.node.NullNode.getInstance()));
        for (StopConditions stop : stops) {
            for (SamplingOptions sampling : samplings) {
                for (TextInput text : texts) {
                    for (Integer prior : java.util.Arrays.asList(null, 0, 5)) {
                        for (List<Integer> ids :
                                java.util.Arrays.asList(null, List.<Integer>of(), List.of(1, -2, 100277))) {
                            GenerateRequest request = new GenerateRequest("m\u0001", ids, stop, sampling, prior, text);
                            assertEquals(text(RECORDS.writeValueAsBytes(request)), text(WireCodec.encode(request)));
                        }
                    }
                }
            }
        }
        GenerateRequest noModel = new GenerateRequest(null, List.of(1), null, null);
        assertEquals(text(RECORDS.writeValueAsBytes(noModel)), text(WireCodec.encode(noModel)));
    }

    @Test
    void engineOutputsAreReadAsTheMapperReadsThem() throws Exception {
        List<String> bodies = List.of(
                "{\"token_ids\":[42],\"text\":\" end\",\"finish_reason\":\"length\"}",
                "{\"token_ids\":[],\"text\":\"\"}",
                "{\"token_ids\":null,\"text\":null,\"finish_reason\":null}",
                "{}",
                "{\"text\":\"a\\u00e9\\n\",\"extra\":{\"nested\":[1,{\"x\":2}]},\"token_ids\":[1,2,3],\"more\":[true]}",
                "{\"token_ids\":[1],\"token_ids\":[2]}",
                "{\"text\":5,\"token_ids\":[\"7\"]}",
                "{\"token_ids\":[1.0]}",
                "{\"finish_reason\":\"stop\"} trailing");
        for (String body : bodies) {
            assertEquals(
                    RECORDS.readValue(utf8(body), EngineOutput.class), WireCodec.decodeEngineOutput(utf8(body)), body);
        }
        for (String bad :
                List.of("{\"token_ids\":[1,", "{\"token_ids\":[3000000000]}", "[1]", "null", "", "{\"text\":[]}")) {
            assertThrows(WireFormatException.class, () -> WireCodec.decodeEngineOutput(utf8(bad)), bad);
        }
    }
}
