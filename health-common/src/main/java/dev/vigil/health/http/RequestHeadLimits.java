package dev.vigil.health.http;

import java.util.Iterator;
import java.util.Map;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The limits on a request's head (its target and its headers) that both apps enforce themselves, so
 * that a request over them gets the app's JSON error (414, 431) instead of the HTTP codec's empty
 * answer.
 *
 * <p>Why not the codec's own limits: Vert.x answers a request over them before any route runs, with an
 * empty body, and Quarkus offers no hook to change that answer (Vert.x's {@code
 * HttpServer#invalidRequestHandler} is not reachable from a Quarkus app). So {@code
 * application.properties} raises the codec's limits to {@link #CODEC_MAX_INITIAL_LINE_BYTES} and
 * {@link #CODEC_MAX_HEADER_BYTES}, the memory a connection may hold for a head, and the documented
 * limits below are checked here, first among the routes. Only a head over the codec's limits, or
 * bytes that are not HTTP at all, still get the codec's empty 400/414/431 with the connection closed.
 */
public final class RequestHeadLimits {

    /** The longest request target (path and query) answered normally, in bytes. */
    public static final int MAX_TARGET_BYTES = 8 * 1024;

    /** The most header bytes (names, values, separators and line ends) answered normally. */
    public static final int MAX_HEADER_BYTES = 20 * 1024;

    /** What {@code quarkus.http.limits.max-initial-line-length} is set to in both apps. */
    public static final int CODEC_MAX_INITIAL_LINE_BYTES = 64 * 1024;

    /** What {@code quarkus.http.limits.max-header-size} is set to in both apps. */
    public static final int CODEC_MAX_HEADER_BYTES = 64 * 1024;

    /** How an app answers a request over a limit, in its own error shape. */
    @FunctionalInterface
    public interface Rejection {
        void send(RoutingContext ctx, int status, String error, String message);
    }

    private RequestHeadLimits() {}

    /** Checks every request before any other route sees it. */
    public static void install(Router router, Rejection rejection) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            String target = request.uri();
            if (target != null && target.length() > MAX_TARGET_BYTES) {
                reject(
                        ctx,
                        rejection,
                        414,
                        "URI too long",
                        "Request target of " + target.length() + " bytes; at most " + MAX_TARGET_BYTES);
                return;
            }
            int headerBytes = headerBytes(request);
            if (headerBytes > MAX_HEADER_BYTES) {
                reject(
                        ctx,
                        rejection,
                        431,
                        "Request header fields too large",
                        "Request headers of " + headerBytes + " bytes; at most " + MAX_HEADER_BYTES);
                return;
            }
            ctx.next();
        });
    }

    private static void reject(RoutingContext ctx, Rejection rejection, int status, String error, String message) {
        // The body, if any, was not read: close the connection rather than parse what follows.
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        rejection.send(ctx, status, error, message);
    }

    /** Header bytes as sent: {@code name: value} and a line end per header. */
    static int headerBytes(HttpServerRequest request) {
        MultiMap headers = request.headers();
        int total = 0;
        if (headers instanceof io.netty.handler.codec.http.HttpHeaders codecHeaders) {
            // Vert.x's HTTP/1 headers are Netty's: their names and values are read as they were
            // decoded, not copied into a String each (this runs for every request).
            Iterator<Map.Entry<CharSequence, CharSequence>> it = codecHeaders.iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> header = it.next();
                total += header.getKey().length() + 2 + header.getValue().length() + 2;
            }
            return total;
        }
        for (Map.Entry<String, String> header : headers) {
            total += header.getKey().length() + 2 + header.getValue().length() + 2;
        }
        return total;
    }
}
