package dev.vigil.frontend.load;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.vigil.frontend.FakeWorker;
import dev.vigil.frontend.SwitchesProfile;
import dev.vigil.frontend.config.OverloadStatusConverter;
import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.model.EventSubjects;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.protocol.LoadMetrics;
import dev.vigil.runtime.protocol.WireCodec;
import dev.vigil.runtime.transport.RequestPlane;

/** {@code DYN_HTTP_OVERLOAD_STATUS_CODE=529}: Dynamo's current status for "all workers busy". */
@QuarkusTest
@TestProfile(SwitchesProfile.class)
class OverloadStatusTest {

    static final String MODEL = "overload-model";
    static final String CHAT =
            "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":1}";

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    FakeWorker worker;

    @BeforeEach
    void startFakeWorker() {
        worker = FakeWorker.start(plane, MODEL, null, request -> {
                    request.send(WireCodec.encode(new EngineOutput(List.of(7), " ok", EngineOutput.LENGTH)));
                    request.complete();
                })
                .awaitListed(known::list);
    }

    @AfterEach
    void stopFakeWorker() {
        worker.close();
    }

    void publishLoad(long usedBlocks) {
        plane.publish(
                EventSubjects.loadMetrics("dynamo"),
                WireCodec.encode(
                        new LoadMetrics(worker.instance().id().value(), usedBlocks, 100, 0, usedBlocks, 1, 0)));
    }

    int chatStatus() {
        return given().contentType("application/json")
                .body(CHAT)
                .post("/v1/chat/completions")
                .statusCode();
    }

    @Test
    void allWorkersBusyIs529WithRetryAfterAndDynamosBody() {
        publishLoad(60);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chatStatus() == 529);
        given().contentType("application/json")
                .body(CHAT)
                .post("/v1/chat/completions")
                .then()
                .statusCode(529)
                .header("retry-after", "1")
                .contentType("application/json")
                .body(equalTo("{\"message\":\"ResourceExhausted: All workers are busy, please retry later\","
                        + "\"type\":\"Site is overloaded\",\"code\":529}"));
        publishLoad(10);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chatStatus() == 200);
    }

    @Test
    void only429And503And529AreTakenAnythingElseFallsBackTo503() {
        OverloadStatusConverter converter = new OverloadStatusConverter();
        assertEquals(529, converter.convert("529"));
        assertEquals(503, converter.convert(" 503 "));
        assertEquals(429, converter.convert("429"));
        for (String other : List.of("428", "200", "100", "abc", "-1", "5290", "4290")) {
            assertEquals(503, converter.convert(other), other);
        }
    }
}
