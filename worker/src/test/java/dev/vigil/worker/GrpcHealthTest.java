package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

import dev.vigil.health.HealthStatus;
import dev.vigil.health.SystemHealth;
import dev.vigil.worker.status.GrpcHealth;

import grpc.health.v1.Health;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;

/**
 * grpc.health.v1.Health on the status server's port says what the HTTP paths say: service "" what
 * {@code /health} says, service "live" what {@code /live} says.
 */
@QuarkusTest
class GrpcHealthTest {

    private static final Duration CALL = Duration.ofSeconds(5);

    @GrpcClient
    Health client;

    @Inject
    SystemHealth health;

    @AfterEach
    void restore() {
        health.setSystemStatus(HealthStatus.NOT_READY);
    }

    @Test
    void checkFollowsTheHealthAndLivePaths() {
        given().get("/health").then().statusCode(503);
        assertEquals(ServingStatus.NOT_SERVING, check(""));
        given().get("/live").then().statusCode(503);
        assertEquals(ServingStatus.NOT_SERVING, check(GrpcHealth.LIVE));

        health.setSystemStatus(HealthStatus.READY);
        given().get("/health").then().statusCode(200);
        assertEquals(ServingStatus.SERVING, check(""));
        assertEquals(ServingStatus.SERVING, check(GrpcHealth.LIVE));
    }

    @Test
    void anUnknownServiceIsNotFound() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> check("generate"));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void watchSendsTheCurrentStatusThenEachChange() {
        AssertSubscriber<HealthCheckResponse> watch =
                client.watch(request("")).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        watch.awaitItems(1, CALL);
        health.setSystemStatus(HealthStatus.READY);
        watch.awaitItems(2, CALL);
        health.setSystemStatus(HealthStatus.NOT_READY);
        watch.awaitItems(3, CALL);
        watch.cancel();
        assertEquals(
                List.of(ServingStatus.NOT_SERVING, ServingStatus.SERVING, ServingStatus.NOT_SERVING),
                watch.getItems().stream().map(HealthCheckResponse::getStatus).toList());
    }

    @Test
    void watchingAnUnknownServiceSaysServiceUnknown() {
        HealthCheckResponse first = client.watch(request("generate"))
                .select()
                .first()
                .toUni()
                .await()
                .atMost(CALL);
        assertEquals(3, first.getStatusValue(), "SERVICE_UNKNOWN");
    }

    @Test
    void theHttpRoutesAreUnchangedBesideGrpc() {
        given().get("/no/such/path").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(503);
    }

    private ServingStatus check(String service) {
        return client.check(request(service)).await().atMost(CALL).getStatus();
    }

    private static HealthCheckRequest request(String service) {
        return HealthCheckRequest.newBuilder().setService(service).build();
    }
}
