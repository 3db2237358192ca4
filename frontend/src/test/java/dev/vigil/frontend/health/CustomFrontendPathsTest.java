package dev.vigil.frontend.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Custom paths, and /health gating a readiness probe with 503 while no worker is known. */
@QuarkusTest
@TestProfile(CustomFrontendPathsTest.Custom.class)
class CustomFrontendPathsTest {

    public static class Custom implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "dyn.http.svc.live-path", "/custom/live",
                    "dyn.http.svc.health-path", "/custom/health",
                    "dyn.http.svc.health-unhealthy-status", "503");
        }
    }

    @Test
    void customPathsServeAndDefaultsAreGone() {
        given().get("/custom/live").then().statusCode(200).body(containsString("\"status\":\"live\""));
        given().get("/custom/health").then().statusCode(503).body(containsString("\"status\":\"unhealthy\""));
        given().get("/live").then().statusCode(404);
        given().get("/health").then().statusCode(404);
    }
}
