package dev.vigil.health.http;

/** A health answer ready for the wire: status code, content type and body. */
public record HealthResponse(int statusCode, String contentType, String body) {

    /** The worker's content type: JSON sent as text, exactly as Dynamo's status server does. */
    public static final String TEXT_UTF8 = "text/plain; charset=utf-8";

    public static final String JSON = "application/json";
}
