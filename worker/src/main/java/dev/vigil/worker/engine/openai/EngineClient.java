package dev.vigil.worker.engine.openai;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The worker's HTTP client to the engine: every request goes to a route under the engine's base URL
 * and carries its API key, if any. Short calls (health, model list, metrics, the tokenizer routes)
 * give up on an answer that stalls for {@value #SHORT_CALL_TIMEOUT_MS} ms; a generation streams as
 * long as the engine keeps it open. Vert.x's non-blocking client: nothing here blocks a caller.
 */
final class EngineClient {

    /** How long a health, models, metrics or tokenizer request may take. */
    static final long SHORT_CALL_TIMEOUT_MS = 5000;

    /** A short call's status and body. */
    record Answer(int status, String body) {}

    private final URI url;
    private final ApiKey apiKey;
    private final HttpClient http;

    EngineClient(Vertx vertx, URI url, ApiKey apiKey) {
        this.url = Objects.requireNonNull(url, "url");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) SHORT_CALL_TIMEOUT_MS)
                .setKeepAlive(true)
                // One connection per streaming request: the pool must not queue generations.
                .setMaxPoolSize(4096)
                .setSsl("https".equalsIgnoreCase(url.getScheme()))
                .setTrustAll(false)
                .setVerifyHost(true);
        this.http = vertx.createHttpClient(options);
    }

    /** A short GET of {@code path}: its status and body. */
    Future<Answer> get(String path) {
        RequestOptions options = route(HttpMethod.GET, path).setIdleTimeout(SHORT_CALL_TIMEOUT_MS);
        return http.request(authorized(options))
                .compose(request -> request.send())
                .compose(response -> response.body()
                        .map(body -> new Answer(response.statusCode(), body.toString(StandardCharsets.UTF_8))));
    }

    /** A short POST of a JSON {@code body} to {@code path}: its status and body. */
    Future<TokenRoutes.Reply> post(String path, ObjectNode body) {
        RequestOptions options = route(HttpMethod.POST, path)
                .putHeader("content-type", "application/json")
                .setIdleTimeout(SHORT_CALL_TIMEOUT_MS);
        return http.request(authorized(options))
                .compose(request -> request.send(Buffer.buffer(body.toString())))
                .compose(response -> response.body()
                        .map(answer ->
                                new TokenRoutes.Reply(response.statusCode(), answer.toString(StandardCharsets.UTF_8))));
    }

    /**
     * Opens the POST of a generation to {@code path}, asking for an event stream; the caller sends
     * the body and reads the answer. No idle timeout: the engine may take its time between tokens.
     */
    Future<HttpClientRequest> openStream(String path) {
        return http.request(authorized(route(HttpMethod.POST, path)
                .putHeader("content-type", "application/json")
                .putHeader("accept", "text/event-stream")));
    }

    void close() {
        http.close();
    }

    private RequestOptions route(HttpMethod method, String path) {
        return new RequestOptions().setMethod(method).setAbsoluteURI(url + path);
    }

    /** The API key, read when the request is made (the key file may have changed). */
    private RequestOptions authorized(RequestOptions options) {
        apiKey.header().ifPresent(value -> options.putHeader("authorization", value));
        return options;
    }
}
