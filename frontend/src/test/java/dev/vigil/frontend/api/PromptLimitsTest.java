package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.transport.RequestPlane;

/**
 * Prompts no worker can take are the client's mistake (issue 12 §7): 400 with the parameter named,
 * before any worker sees them, so none fails a request or loses its routing for it. The fake worker
 * registers 100 blocks of 16 tokens: a context of 1600 tokens.
 */
@QuarkusTest
class PromptLimitsTest {

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    FakeWorker worker;
    final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void startFakeWorker() {
        worker = FakeWorker.start(plane, "small-model", null, request -> {
                    received.incrementAndGet();
                    request.fail("the frontend should not have sent this");
                })
                .awaitListed(known::list);
    }

    @AfterEach
    void stopFakeWorker() {
        worker.close();
    }

    @Test
    void anEmptyPromptIs400NamingTheField() {
        given().contentType("application/json")
                .body("{\"model\":\"small-model\",\"prompt\":\"\"}")
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body("message", equalTo("The prompt is empty: field 'prompt' must hold at least one token"))
                .body("type", equalTo("Bad Request"))
                .body("code", equalTo(400));
        assertEquals(0, received.get());
    }

    @Test
    void aPromptAsLongAsTheContextIs400WithVllmsWording() {
        // " hello" is one token: 1600 of them fill the whole context, leaving no room to generate.
        String prompt = " hello".repeat(1600);
        given().contentType("application/json")
                .body("{\"model\":\"small-model\",\"prompt\":\"" + prompt + "\"}")
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body(
                        "message",
                        equalTo("This model's maximum context length is 1600 tokens. However, your request has 1600"
                                + " input tokens. Please reduce the length of the prompt."));
        String messages =
                "{\"model\":\"small-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        given().contentType("application/json")
                .body(messages)
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("message", endsWith("Please reduce the length of the messages."));
        assertEquals(0, received.get());
    }
}
