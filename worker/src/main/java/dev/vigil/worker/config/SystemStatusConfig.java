package dev.vigil.worker.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import dev.vigil.health.HealthStatus;
import dev.vigil.health.HealthStatusConverter;
import dev.vigil.runtime.config.HostConverter;
import dev.vigil.runtime.config.HttpPathConverter;
import dev.vigil.runtime.config.NameList;
import dev.vigil.runtime.config.NameListConverter;
import dev.vigil.runtime.config.PortConverter;
import dev.vigil.runtime.config.StrictBooleanConverter;

/**
 * The worker's system status server, configured by Dynamo's {@code DYN_SYSTEM_*} variables. The
 * server is the worker's HTTP server: {@code quarkus.http.port} and {@code quarkus.http.host} are
 * bound to the port and host below in {@code application.properties}.
 */
@ConfigMapping(prefix = "dyn.system")
public interface SystemStatusConfig {

    /** {@code DYN_SYSTEM_PORT}: port of the system status server, 0–65535 (0 = any free port). */
    @WithDefault("8081")
    @WithConverter(PortConverter.class)
    int port();

    /** {@code DYN_SYSTEM_HOST}: address the system status server binds to. */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * {@code DYN_SYSTEM_ADVERTISE_HOST}: Vigil's addition, the host frontends use to reach this status
     * server, published in discovery with the port so their probes can find it. Unset: {@code
     * DYN_SYSTEM_HOST} when it names one address, otherwise this machine's own address (its host
     * name resolved, as a pod or container sees itself).
     */
    @WithConverter(HostConverter.class)
    Optional<String> advertiseHost();

    /** {@code DYN_SYSTEM_STARTING_HEALTH_STATUS}: {@code ready} or {@code notready}. */
    @WithDefault("notready")
    @WithConverter(HealthStatusConverter.class)
    HealthStatus startingHealthStatus();

    /** {@code DYN_SYSTEM_HEALTH_PATH}: path of the health route; replaces {@code /health}. */
    @WithDefault("/health")
    @WithConverter(HttpPathConverter.class)
    String healthPath();

    /** {@code DYN_SYSTEM_LIVE_PATH}: path of the live route; replaces {@code /live}. */
    @WithDefault("/live")
    @WithConverter(HttpPathConverter.class)
    String livePath();

    /**
     * {@code DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS}: endpoints that must all be ready for the worker
     * to be ready, as an array literal such as {@code ["generate"]}. Unset: none.
     */
    @WithConverter(NameListConverter.class)
    Optional<NameList> useEndpointHealthStatus();

    /**
     * {@code DYN_SYSTEM_LIVE_SHALLOW}: when {@code true}, the live path answers 200 whenever the
     * process is up instead of repeating the health answer. Off by default, as in Dynamo.
     */
    @WithDefault("false")
    @WithConverter(StrictBooleanConverter.class)
    boolean liveShallow();

    /**
     * {@code DYN_SYSTEM_ERROR_FORMAT}: Vigil's addition. {@code json} (default): every error the
     * status server gives (unknown path, wrong method, request too large) is {@code {"error": …,
     * "message": …}}, the shape of Dynamo's {@code /engine} routes. {@code text}: Dynamo's status
     * server exactly, 404 with the plain-text body {@code Route not found} and other errors empty.
     */
    @WithDefault("json")
    @WithConverter(ErrorFormat.Converter.class)
    ErrorFormat errorFormat();
}
