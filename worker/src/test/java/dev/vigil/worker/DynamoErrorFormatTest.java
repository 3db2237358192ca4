package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.health.http.RequestHeadLimits;

/** {@code DYN_SYSTEM_ERROR_FORMAT=text}: Dynamo's status server errors exactly. */
@QuarkusTest
@TestProfile(DynamoErrorFormatTest.Text.class)
class DynamoErrorFormatTest {

    private static final String TEXT = "text/plain; charset=utf-8";

    public static class Text implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dyn.system.error-format", "TEXT");
        }
    }

    @Test
    void unknownPathsAnswerDynamosPlainText() {
        for (String path : new String[] {"/nope", "/health/", "/engine/fault"}) {
            given().get(path).then().statusCode(404).contentType(TEXT).body(equalTo("Route not found"));
        }
    }

    @Test
    void otherErrorsAreEmpty() {
        given().post("/health").then().statusCode(405).body(emptyString());
        given().get("/health?pad=" + "a".repeat(RequestHeadLimits.MAX_TARGET_BYTES))
                .then()
                .statusCode(414)
                .body(emptyString());
    }
}
