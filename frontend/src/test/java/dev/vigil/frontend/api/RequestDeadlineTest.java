package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class RequestDeadlineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX = Duration.ofSeconds(3600);

    private static JsonNode body(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static Duration of(String header, String body) throws Exception {
        return RequestDeadline.of(header, body(body), Duration.ZERO, MAX);
    }

    @Test
    void noneGivenMeansNoDeadline() throws Exception {
        assertEquals(Duration.ZERO, of(null, "{}"));
        assertEquals(Duration.ZERO, of(null, "{\"nvext\":null}"));
        assertEquals(Duration.ZERO, of(null, "{\"nvext\":{}}"));
    }

    @Test
    void headerInSecondsAcceptsDecimals() throws Exception {
        assertEquals(Duration.ofSeconds(2), of("2", "{}"));
        assertEquals(Duration.ofMillis(2500), of("2.5", "{}"));
        assertEquals(Duration.ofMillis(500), of(" .5 ", "{}"));
        // Below a millisecond rounds up: a deadline is never shorter than asked.
        assertEquals(Duration.ofMillis(1), of("0.0001", "{}"));
    }

    @Test
    void bodyInMilliseconds() throws Exception {
        assertEquals(Duration.ofMillis(1500), of(null, "{\"nvext\":{\"timeout_ms\":1500}}"));
        assertEquals(Duration.ofMillis(2), of(null, "{\"nvext\":{\"timeout_ms\":1.5}}"));
    }

    @Test
    void theSmallerOfHeaderAndBodyWins() throws Exception {
        assertEquals(Duration.ofMillis(800), of("2", "{\"nvext\":{\"timeout_ms\":800}}"));
        assertEquals(Duration.ofSeconds(1), of("1", "{\"nvext\":{\"timeout_ms\":5000}}"));
    }

    @Test
    void theDefaultAppliesOnlyWhenNoneIsGiven() throws Exception {
        Duration fallback = Duration.ofSeconds(30);
        assertEquals(fallback, RequestDeadline.of(null, body("{}"), fallback, MAX));
        assertEquals(Duration.ofSeconds(60), RequestDeadline.of("60", body("{}"), fallback, MAX));
        // A default above the cap is capped.
        assertEquals(MAX, RequestDeadline.of(null, body("{}"), Duration.ofDays(7), MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-0.5", "0", "0.0", "abc", "", "1e3", "NaN", "Infinity", "1,5", "2s", "99999999"})
    void badHeadersAre400(String header) {
        ApiError e = assertThrows(ApiError.class, () -> of(header, "{}"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("x-request-timeout"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "0", "\"100\"", "true", "[1]", "3600001", "1e300"})
    void badBodyValuesAre400(String value) {
        ApiError e = assertThrows(ApiError.class, () -> of(null, "{\"nvext\":{\"timeout_ms\":" + value + "}}"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("nvext.timeout_ms"), e.getMessage());
    }

    @Test
    void theCapItselfIsAllowed() throws Exception {
        assertEquals(MAX, of("3600", "{}"));
        assertEquals(MAX, of(null, "{\"nvext\":{\"timeout_ms\":3600000}}"));
    }
}
