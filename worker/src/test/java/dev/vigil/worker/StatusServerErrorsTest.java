package dev.vigil.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.health.http.RequestHeadLimits;

/**
 * Issue 12 §10: every error of the status server is JSON by default ({@code DYN_SYSTEM_ERROR_FORMAT}
 * unset), including the ones Vert.x would answer with an empty body. {@link DynamoErrorFormatTest}
 * covers Dynamo's plain-text form.
 */
@QuarkusTest
class StatusServerErrorsTest {

    @Test
    void aRequestTargetOverTheLimitIsAJson414() {
        given().get("/health?pad=" + "a".repeat(RequestHeadLimits.MAX_TARGET_BYTES - 20))
                .then()
                .statusCode(503);
        given().get("/health?pad=" + "a".repeat(RequestHeadLimits.MAX_TARGET_BYTES))
                .then()
                .statusCode(414)
                .contentType("application/json")
                .body("error", equalTo("URI too long"))
                .body("message", startsWith("Request target of "));
    }

    @Test
    void headersOverTheLimitAreAJson431() {
        String half = "b".repeat(RequestHeadLimits.MAX_HEADER_BYTES / 2);
        given().header("x-pad-1", half)
                .header("x-pad-2", half)
                .get("/health")
                .then()
                .statusCode(431)
                .contentType("application/json")
                .body("error", equalTo("Request header fields too large"));
    }

    @Test
    void aWrongMethodOnAStatusPathIsAJson405() {
        given().delete("/live")
                .then()
                .statusCode(405)
                .contentType("application/json")
                .body("error", equalTo("Method not allowed"))
                .body("message", equalTo("Method DELETE not allowed on /live"));
    }
}
