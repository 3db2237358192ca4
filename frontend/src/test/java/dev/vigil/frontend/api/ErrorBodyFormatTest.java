package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.vigil.frontend.config.ErrorBodyFormat;

/** {@code DYN_HTTP_ERROR_FORMAT}: Dynamo's error body by default, OpenAI's envelope when asked. */
class ErrorBodyFormatTest {

    @Test
    void dynamoShapeIsMessageTypeAndCodeAtTheTop() {
        assertEquals(
                "{\"message\":\"Model not found: x\",\"type\":\"Not Found\",\"code\":404}",
                ApiError.notFound("Model not found: x")
                        .toJson(ErrorBodyFormat.DYNAMO)
                        .toString());
    }

    @Test
    void openAiShapeWrapsTheSameMessageInError() {
        assertEquals(
                "{\"error\":{\"message\":\"Model not found: x\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":404}}",
                ApiError.notFound("Model not found: x")
                        .toJson(ErrorBodyFormat.OPENAI)
                        .toString());
    }

    @Test
    void anOverloadIsTheServersInOpenAiTerms() {
        assertEquals(
                "{\"error\":{\"message\":\"ResourceExhausted: All workers are busy, please retry later\","
                        + "\"type\":\"server_error\",\"param\":null,\"code\":529}}",
                ApiError.allWorkersBusy(529, 1).toJson(ErrorBodyFormat.OPENAI).toString());
    }

    @Test
    void theSwitchTakesEitherNameInAnyCaseAndNothingElse() {
        ErrorBodyFormat.Converter converter = new ErrorBodyFormat.Converter();
        assertEquals(ErrorBodyFormat.OPENAI, converter.convert("OpenAI"));
        assertEquals(ErrorBodyFormat.DYNAMO, converter.convert("dynamo"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> converter.convert("json"));
        assertEquals(true, e.getMessage().contains("expected 'dynamo' or 'openai'"), e.getMessage());
    }
}
