package dev.vigil.worker.status;

import java.time.Duration;
import java.util.Optional;

import jakarta.inject.Inject;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.vigil.health.SystemStatusViews;

import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import grpc.health.v1.MutinyHealthGrpc;

/**
 * The gRPC health checking protocol ({@code grpc.health.v1.Health}) on the system status server's
 * port: one more view of the worker's one health state, for Kubernetes' gRPC probes
 * ({@code k8s/overlays/grpc-probes}). Service {@code ""} answers as the health path does ({@code
 * SERVING} when ready), service {@code "live"} as the live path does (always {@code SERVING} with
 * {@code DYN_SYSTEM_LIVE_SHALLOW=true}). Any other service is unknown: {@code NOT_FOUND} for Check,
 * {@code SERVICE_UNKNOWN} for Watch, as the protocol says. Like the HTTP paths, an answer reads memory
 * and nothing else.
 */
@GrpcService
public class GrpcHealth extends MutinyHealthGrpc.HealthImplBase {

    /** The service name a probe asks for the live view. */
    public static final String LIVE = "live";

    /**
     * How often a watch looks at the state. {@code SystemHealth} reports no status flips (its views
     * read it when asked), so a watch samples it and sends only changes.
     */
    static final Duration WATCH_SAMPLING = Duration.ofMillis(500);

    /**
     * {@code SERVICE_UNKNOWN}, which the protocol defines for Watch but the {@code health.proto}
     * compiled into Quarkus predates; proto3 enums carry any number on the wire.
     */
    static final int SERVICE_UNKNOWN = 3;

    @Inject
    SystemStatusViews views;

    @Override
    public Uni<HealthCheckResponse> check(HealthCheckRequest request) {
        return status(request.getService())
                .map(status -> Uni.createFrom().item(response(status)))
                .orElseGet(() -> Uni.createFrom()
                        .failure(Status.NOT_FOUND
                                .withDescription("unknown service '" + request.getService() + "'")
                                .asRuntimeException()));
    }

    @Override
    public Multi<HealthCheckResponse> watch(HealthCheckRequest request) {
        // The first answer at once, then one look per sampling period.
        return Multi.createBy()
                .concatenating()
                .streams(Multi.createFrom().item(0L), Multi.createFrom().ticks().every(WATCH_SAMPLING))
                .map(tick -> status(request.getService())
                        .map(ServingStatus::getNumber)
                        .orElse(SERVICE_UNKNOWN))
                .skip()
                .repetitions()
                .map(status ->
                        HealthCheckResponse.newBuilder().setStatusValue(status).build());
    }

    private Optional<ServingStatus> status(String service) {
        return switch (service) {
            case "" -> Optional.of(serving(views.health().isReady()));
            case LIVE -> Optional.of(serving(views.live()));
            default -> Optional.empty();
        };
    }

    private static ServingStatus serving(boolean up) {
        return up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }

    private static HealthCheckResponse response(ServingStatus status) {
        return HealthCheckResponse.newBuilder().setStatus(status).build();
    }
}
