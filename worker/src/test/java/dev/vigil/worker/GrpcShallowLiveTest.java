package dev.vigil.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.worker.status.GrpcHealth;

import grpc.health.v1.Health;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;

/** With the shallow live path, gRPC's "live" service is SERVING while "" is not, as /live and /health. */
@QuarkusTest
@TestProfile(ShallowLiveTest.Shallow.class)
class GrpcShallowLiveTest {

    @GrpcClient
    Health client;

    @Test
    void liveIsServingWhileHealthIsNot() {
        assertEquals(ServingStatus.SERVING, check(GrpcHealth.LIVE));
        assertEquals(ServingStatus.NOT_SERVING, check(""));
    }

    private ServingStatus check(String service) {
        return client.check(HealthCheckRequest.newBuilder().setService(service).build())
                .await()
                .atMost(Duration.ofSeconds(5))
                .getStatus();
    }
}
