package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Custom paths replace the defaults, which then answer 404 like any unknown route. */
@QuarkusTest
@TestProfile(CustomPathsTest.Custom.class)
class CustomPathsTest {

    public static class Custom implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "dyn.system.health-path", "/custom/health",
                    "dyn.system.live-path", "/custom/live",
                    "dyn.system.starting-health-status", "ready");
        }
    }

    @Test
    void customPathsAnswer() {
        given().get("/custom/health").then().statusCode(200).body(containsString("\"status\":\"ready\""));
        given().get("/custom/live").then().statusCode(200).body(containsString("\"status\":\"ready\""));
        given().get("/ready").then().statusCode(200).body(containsString("\"status\":\"ready\""));
    }

    @Test
    void defaultPathsAreGone() {
        given().get("/health").then().statusCode(404).body("error", equalTo("Route not found"));
        given().get("/live").then().statusCode(404).body("error", equalTo("Route not found"));
    }
}
