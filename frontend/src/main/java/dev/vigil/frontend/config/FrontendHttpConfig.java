package dev.vigil.frontend.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.HttpPathConverter;
import dev.vigil.runtime.config.NonNegativeIntConverter;
import dev.vigil.runtime.config.PortConverter;
import dev.vigil.runtime.config.PositiveIntConverter;
import dev.vigil.runtime.config.SecondsConverter;

/**
 * The frontend's HTTP service, configured by Dynamo's {@code DYN_HTTP_*} variables. {@code
 * quarkus.http.port} and {@code quarkus.http.host} are bound to the port and host below in {@code
 * application.properties}.
 */
@ConfigMapping(prefix = "dyn.http")
public interface FrontendHttpConfig {

    /** {@code DYN_HTTP_PORT}: port of the OpenAI-compatible API and of /live and /health. */
    @WithDefault("8000")
    @WithConverter(PortConverter.class)
    int port();

    /** {@code DYN_HTTP_HOST}: address the HTTP service binds to. */
    @WithDefault("0.0.0.0")
    String host();

    /** Paths and answers of the service routes. */
    Svc svc();

    /**
     * {@code DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS}: after SIGTERM, how long requests are still
     * accepted (so requests routed here just before the signal still land) while /live already
     * answers 503 {@code shutting_down}; whole seconds, 0 or more.
     */
    @WithName("graceful-shutdown-timeout-secs")
    @WithDefault("5")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration gracefulShutdownTimeout();

    /**
     * {@code DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS}: while a streaming response has sent nothing for
     * this many milliseconds (a long prefill, a migration, a slow engine), send an SSE comment line so
     * proxies and clients with an idle timeout keep the connection. 0: off, as in Dynamo. The first
     * keep-alive commits the response to 200, so an error after it reaches the client as an SSE
     * {@code event: error} instead of an HTTP status.
     */
    @WithName("sse-keep-alive-interval-ms")
    @WithDefault("0")
    @WithConverter(NonNegativeIntConverter.class)
    int sseKeepAliveIntervalMs();

    /**
     * {@code DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS}: a worker's stream that produces nothing for this
     * long (before its first token or between two) is ended as Dynamo's migratable {@code
     * ResponseTimeout}: the worker is inhibited and the request continues on another one. Whole
     * seconds; 0 (the default, as in Dynamo): no timeout.
     */
    @WithName("backend-stream-timeout-secs")
    @WithDefault("0")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration backendStreamTimeout();

    /**
     * {@code DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS} (ours): a streaming client whose connection stays
     * unwritable this long (its write queue full: it stopped reading) is cut: its request is killed
     * at the worker, so the engine stops generating it, its connection is closed, and it is counted in
     * {@code dynamo_frontend_disconnected_clients} and {@code vigil_frontend_slow_clients_cut_total}.
     * Until then the stream is paused end to end and holds a bounded amount of memory. Whole
     * seconds, at least 1.
     */
    @WithName("client-stall-timeout-secs")
    @WithDefault("30")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Duration clientStallTimeout();

    /**
     * {@code DYN_HTTP_MAX_INFLIGHT_REQUESTS} (ours): completions this frontend serves at once; one
     * more is refused at once with the overload status ({@code DYN_HTTP_OVERLOAD_STATUS_CODE}) and
     * {@code Retry-After}, and counted in {@code vigil_frontend_inflight_limit_rejected_total}. A
     * stream whose client stopped reading costs about 100 KB of heap, an idle one about 11 KB
     * (docs/benchmarks.md), so the default bounds the worst case near 200 MB. At least 1.
     */
    @WithName("max-inflight-requests")
    @WithDefault("2048")
    @WithConverter(PositiveIntConverter.class)
    int maxInflightRequests();

    /**
     * {@code DYN_HTTP_ERROR_FORMAT} (ours): {@code dynamo} (default) sends Dynamo's error bodies
     * {@code {"message","type","code"}}; {@code openai} wraps them as OpenAI does, {@code
     * {"error":{"message","type","param","code"}}}, which OpenAI's client libraries read.
     */
    @WithName("error-format")
    @WithDefault("dynamo")
    @WithConverter(ErrorBodyFormat.Converter.class)
    ErrorBodyFormat errorFormat();

    /**
     * {@code DYN_HTTP_REQUEST_TIMEOUT_SECS} (ours): the deadline of a completion that carries none
     * ({@code x-request-timeout}, {@code nvext.timeout_ms}): past it the request is cancelled at the
     * worker and answered 504 (or its stream ended with an SSE error). Whole seconds; 0 (the default):
     * no deadline unless the request asks for one.
     */
    @WithName("request-timeout-secs")
    @WithDefault("0")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration requestTimeout();

    /**
     * {@code DYN_HTTP_REQUEST_TIMEOUT_MAX_SECS} (ours): the longest deadline a request may ask for;
     * a longer one is refused with 400, so a typo cannot pin a request for days. Whole seconds, at
     * least 1.
     */
    @WithName("request-timeout-max-secs")
    @WithDefault("86400")
    @WithConverter(SecondsConverter.AtLeastOne.class)
    Duration requestTimeoutMax();

    interface Svc {

        /** {@code DYN_HTTP_SVC_LIVE_PATH}: path of the liveness route. */
        @WithDefault("/live")
        @WithConverter(HttpPathConverter.class)
        String livePath();

        /** {@code DYN_HTTP_SVC_HEALTH_PATH}: path of the health route. */
        @WithDefault("/health")
        @WithConverter(HttpPathConverter.class)
        String healthPath();

        /**
         * {@code DYN_HTTP_SVC_HEALTH_UNHEALTHY_STATUS}: status code of the health route while no
         * worker is known. 200 as the seed shows; 503 lets a Kubernetes readiness probe gate on it.
         */
        @WithDefault("200")
        @WithConverter(UnhealthyStatusConverter.class)
        int healthUnhealthyStatus();
    }
}
