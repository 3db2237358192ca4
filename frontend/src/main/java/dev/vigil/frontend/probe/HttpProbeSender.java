package dev.vigil.frontend.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import dev.vigil.runtime.time.Clock;

/**
 * Sends one probe to an instance's system status server and judges the answer as dstack does: only
 * 2xx succeeds, redirects are not followed, and a timeout or connection error fails. The timeout
 * bounds the whole exchange (connecting, the answer and its body). The url, header values and body
 * are resolved from the environment here, at each send, and are never put in the outcome.
 */
public final class HttpProbeSender implements ProbeSender {

    private static final String USER_AGENT = "vigil-probe/1";

    private final Vertx vertx;
    private final HttpClient client;
    private final Function<String, Optional<String>> environment;
    private final Clock clock;

    public HttpProbeSender(Vertx vertx, Function<String, Optional<String>> environment) {
        this(vertx, environment, Clock.SYSTEM);
    }

    /** @param clock what the outcome's latency is measured on */
    public HttpProbeSender(Vertx vertx, Function<String, Optional<String>> environment, Clock clock) {
        this.vertx = vertx;
        this.environment = environment;
        this.clock = clock;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(30)
                // A probe waits for no other probe of the same instance: one connection each.
                .setMaxPoolSize(ProbeConfigParser.MAX_PROBES));
    }

    @Override
    public Future<ProbeOutcome> send(String statusUrl, Probe probe) {
        long started = clock.nanoTime();
        Promise<ProbeOutcome> outcome = Promise.promise();
        RequestOptions options;
        String body;
        try {
            options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(probe.method().name()))
                    .setAbsoluteURI(statusUrl + ProbeTemplate.resolve(probe.url(), environment))
                    .setFollowRedirects(false)
                    .setConnectTimeout(probe.timeout().toMillis())
                    .putHeader("User-Agent", USER_AGENT);
            for (Probe.Header header : probe.headers()) {
                options.putHeader(header.name(), ProbeTemplate.resolve(header.value(), environment));
            }
            body = ProbeTemplate.resolve(probe.body(), environment);
        } catch (RuntimeException e) {
            // An unset variable (checked at start-up, so only if the environment changed) or a url
            // the client refuses: the probe fails without being sent.
            return Future.succeededFuture(new ProbeOutcome(
                    ProbeOutcome.Result.ERROR,
                    0,
                    Duration.ZERO,
                    "not sent: " + (e instanceof ProbeConfigException ? e.getMessage() : safeMessage(e))));
        }
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long deadline = vertx.setTimer(probe.timeout().toMillis(), ignored -> {
            if (outcome.tryComplete(new ProbeOutcome(
                    ProbeOutcome.Result.TIMEOUT,
                    0,
                    since(started),
                    "no answer within " + probe.timeout().toMillis() + " ms"))) {
                HttpClientRequest request = sent.get();
                if (request != null) {
                    request.reset();
                }
            }
        });
        client.request(options)
                .compose(request -> {
                    sent.set(request);
                    return body == null ? request.send() : request.send(body);
                })
                .compose(response -> response.end().map(done -> response.statusCode()))
                .onComplete(result -> {
                    vertx.cancelTimer(deadline);
                    if (result.succeeded()) {
                        outcome.tryComplete(ProbeOutcome.answered(result.result(), since(started)));
                    } else {
                        outcome.tryComplete(failure(result.cause(), since(started)));
                    }
                });
        return outcome.future();
    }

    /** Closes the client's connections. */
    @Override
    public void close() {
        client.close();
    }

    private static ProbeOutcome failure(Throwable cause, Duration latency) {
        if (cause instanceof TimeoutException
                || cause.getClass().getSimpleName().contains("Timeout")) {
            return new ProbeOutcome(ProbeOutcome.Result.TIMEOUT, 0, latency, safeMessage(cause));
        }
        if (cause instanceof IOException || cause instanceof HttpClosedException) {
            return new ProbeOutcome(ProbeOutcome.Result.CONNECT_ERROR, 0, latency, safeMessage(cause));
        }
        return new ProbeOutcome(ProbeOutcome.Result.ERROR, 0, latency, safeMessage(cause));
    }

    /**
     * A one-line reason naming at most the host and port (what Netty puts in a connection error),
     * never a resolved url, header or body.
     */
    private static String safeMessage(Throwable cause) {
        String message = cause.getMessage();
        String kind = cause.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return kind;
        }
        String first = message.lines().findFirst().orElse("").trim();
        if (cause instanceof ConnectException) {
            return first.toLowerCase(Locale.ROOT).startsWith("connection refused") ? first : "connect failed: " + first;
        }
        return kind + ": " + first;
    }

    private Duration since(long started) {
        return Duration.ofNanos(clock.nanoTime() - started);
    }
}
