package dev.vigil.frontend.load;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.frontend.SwitchesProfile;

/** {@code DYN_DISABLE_FRONTEND_ADMIN_API=true}: no {@code /busy_threshold} at all. */
@QuarkusTest
@TestProfile(SwitchesProfile.class)
class AdminApiDisabledTest {

    @Test
    void theThresholdRoutesAreGone() {
        given().get("/busy_threshold").then().statusCode(404).body("code", equalTo(404));
        given().contentType("application/json")
                .body("{\"model\":\"m\",\"active_decode_blocks_threshold\":0.1}")
                .post("/busy_threshold")
                .then()
                .statusCode(404)
                .contentType("application/json");
        // The API itself is unaffected.
        given().get("/v1/models").then().statusCode(200);
    }
}
