package dev.vigil.frontend.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Once the shutdown grace window opens the frontend drains: /health says not_ready with the stage
 * while /live stays 200; when the drain ends /live says shutting_down. (The real SIGTERM is exercised
 * against the packaged jar in integration-tests.) Its own profile gives it an app of its own, since
 * the state does not come back.
 */
@QuarkusTest
@TestProfile(ShuttingDownTest.Own.class)
class ShuttingDownTest {

    public static class Own implements QuarkusTestProfile {}

    @Inject
    Event<ShutdownDelayInitiatedEvent> delay;

    @Inject
    ServiceState state;

    @Test
    void healthTurns503WhenTheDrainStartsAndLiveWhenItEnds() {
        given().get("/live").then().statusCode(200);
        given().get("/health").then().statusCode(200);
        delay.fire(new ShutdownDelayInitiatedEvent());
        given().get("/health")
                .then()
                .statusCode(503)
                .contentType("application/json")
                .body(equalTo("{\"message\":\"Service is draining\",\"stage\":\"draining\",\"status\":\"not_ready\"}"));
        given().get("/live")
                .then()
                .statusCode(200)
                .body(equalTo("{\"message\":\"Service is live\",\"status\":\"live\"}"));
        state.onShutdown(null);
        given().get("/live")
                .then()
                .statusCode(503)
                .contentType("application/json")
                .body(equalTo("{\"message\":\"Service is shutting down\",\"status\":\"shutting_down\"}"));
        given().get("/health").then().statusCode(503).body(containsString("\"stage\":\"stopping\""));
    }
}
