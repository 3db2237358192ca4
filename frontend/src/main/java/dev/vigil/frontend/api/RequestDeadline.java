package dev.vigil.frontend.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How long a completion may take, end to end: the {@code x-request-timeout} header (seconds, a
 * decimal allowed), {@code nvext.timeout_ms} in the body, the smaller of the two when both are
 * given, else {@code DYN_HTTP_REQUEST_TIMEOUT_SECS}. A value that is not a positive number, or is
 * longer than {@code DYN_HTTP_REQUEST_TIMEOUT_MAX_SECS}, is the client's mistake: 400 naming it.
 */
final class RequestDeadline {

    static final String HEADER = "x-request-timeout";

    /** Plain decimal seconds: no sign, exponent, or words such as {@code NaN} or {@code Infinity}. */
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}(\\.[0-9]{0,9})?|\\.[0-9]{1,9}");

    private RequestDeadline() {}

    /**
     * The request's timeout, or {@link Duration#ZERO} for none.
     *
     * @param header the {@code x-request-timeout} header, or null
     * @param body the request body, already checked to be an object whose {@code nvext} is one
     */
    static Duration of(String header, JsonNode body, Duration fallback, Duration max) {
        Duration fromHeader = header == null ? null : header(header.trim(), max);
        Duration fromBody = body(body == null ? null : body.path("nvext").get("timeout_ms"), max);
        if (fromHeader != null && fromBody != null) {
            return fromHeader.compareTo(fromBody) <= 0 ? fromHeader : fromBody;
        }
        if (fromHeader != null || fromBody != null) {
            return fromHeader != null ? fromHeader : fromBody;
        }
        return fallback.compareTo(max) <= 0 ? fallback : max;
    }

    private static Duration header(String value, Duration max) {
        if (!SECONDS.matcher(value).matches()) {
            throw ApiError.badRequest(
                    "Header '" + HEADER + "' must be a positive number of seconds, got '" + abbreviated(value) + "'");
        }
        return checked(new BigDecimal(value).movePointRight(3), "Header '" + HEADER + "'", " s", max, value);
    }

    private static Duration body(JsonNode value, Duration max) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw ApiError.badRequest("Field 'nvext.timeout_ms' must be a positive number of milliseconds, got "
                    + abbreviated(value.toString()));
        }
        return checked(value.decimalValue(), "Field 'nvext.timeout_ms'", " ms", max, value.toString());
    }

    /** {@code millis} as a timeout: more than 0, at most {@code max}, rounded up to whole milliseconds. */
    private static Duration checked(BigDecimal millis, String what, String unit, Duration max, String given) {
        if (millis.signum() <= 0) {
            throw ApiError.badRequest(what + " must be more than 0, got " + abbreviated(given) + unit);
        }
        if (millis.compareTo(BigDecimal.valueOf(max.toMillis())) > 0) {
            throw ApiError.badRequest(what + " must be at most " + max.toSeconds()
                    + " s (DYN_HTTP_REQUEST_TIMEOUT_MAX_SECS), got " + abbreviated(given) + unit);
        }
        return Duration.ofMillis(
                millis.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
    }

    /** What the client sent, cut short: it is echoed back. */
    private static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
