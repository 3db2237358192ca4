package dev.vigil.frontend.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Once the shutdown grace window opens, /live says shutting_down while /health still answers. (The
 * real SIGTERM is exercised against the packaged jar in integration-tests.) Its own profile gives it
 * an app of its own, since the state does not come back.
 */
@QuarkusTest
@TestProfile(ShuttingDownTest.Own.class)
class ShuttingDownTest {

    public static class Own implements QuarkusTestProfile {}

    @Inject
    Event<ShutdownDelayInitiatedEvent> delay;

    @Test
    void liveTurns503WhenTheGraceWindowOpens() {
        given().get("/live").then().statusCode(200);
        delay.fire(new ShutdownDelayInitiatedEvent());
        given().get("/live")
                .then()
                .statusCode(503)
                .contentType("application/json")
                .body(equalTo("{\"message\":\"Service is shutting down\",\"status\":\"shutting_down\"}"));
        given().get("/health").then().statusCode(200);
    }
}
