package dev.vigil.frontend.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.vigil.frontend.model.KnownInstances;
import dev.vigil.runtime.discovery.mem.InMemoryDiscovery;
import dev.vigil.runtime.model.EndpointId;
import dev.vigil.runtime.model.Instance;
import dev.vigil.runtime.model.ModelCard;
import dev.vigil.runtime.protocol.EngineOutput;
import dev.vigil.runtime.transport.RequestHandler;
import dev.vigil.runtime.transport.RequestPlane;
import dev.vigil.runtime.transport.ServedEndpoint;

/**
 * A worker whose engine is full answers busy: the request goes on to another worker at once, the
 * busy one is neither inhibited nor counted as failed (it keeps getting its share of attempts), and
 * when every worker is full the client gets the all-busy answer with Retry-After.
 */
@QuarkusTest
class BusyAnswerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "busy-answer-model";
    static final String CHAT =
            "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":1}";

    @Inject
    RequestPlane plane;

    @Inject
    KnownInstances known;

    final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
    }

    Instance worker(RequestHandler handler) {
        InMemoryDiscovery discovery = new InMemoryDiscovery(InMemoryDiscovery.Store.shared());
        EndpointId generate = new EndpointId("dynamo", "backend", "generate");
        Instance instance = generate.instance(discovery.instanceId());
        ServedEndpoint served = plane.serve(instance.address(), handler);
        opened.add(served);
        opened.add(discovery);
        discovery.register(instance);
        discovery.registerModel(new ModelCard(MODEL, generate, discovery.instanceId(), 100, 16, 8));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> known.list()
                .contains(instance));
        return instance;
    }

    static RequestHandler full(AtomicInteger asked) {
        return request -> {
            asked.incrementAndGet();
            request.failBusy("the engine is full: HTTP 429 (Retry-After: 2)");
        };
    }

    static RequestHandler serving(AtomicInteger asked) {
        return request -> {
            asked.incrementAndGet();
            try {
                request.send(JSON.writeValueAsBytes(new EngineOutput(List.of(7), " ok", EngineOutput.LENGTH)));
                request.complete();
            } catch (Exception e) {
                request.fail(e.toString());
            }
        };
    }

    Response chat() {
        return given().contentType("application/json").body(CHAT).post("/v1/chat/completions");
    }

    @Test
    void aBusyWorkerIsSkippedForTheRequestAndNotHeldAgainstIt() {
        AtomicInteger fullAsked = new AtomicInteger();
        AtomicInteger servingAsked = new AtomicInteger();
        worker(full(fullAsked));
        worker(serving(servingAsked));
        int requests = 20;
        for (int i = 0; i < requests; i++) {
            Response r = chat();
            assertEquals(200, r.statusCode(), r.asString());
        }
        assertEquals(requests, servingAsked.get());
        // Round robin between the two: without inhibition the full one is asked about every other
        // time; inhibited or with its circuit open, it would have been asked once or twice.
        assertTrue(fullAsked.get() >= requests / 2 - 1, "the busy worker was asked " + fullAsked.get() + " times");
    }

    @Test
    void whenEveryWorkerIsFullTheClientGetsTheAllBusyAnswer() {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        worker(full(first));
        worker(full(second));
        Response r = chat();
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("1", r.header("Retry-After"));
        assertEquals(
                "{\"message\":\"ResourceExhausted: All workers are busy, please retry later\","
                        + "\"type\":\"Service Unavailable\",\"code\":503}",
                r.asString());
        assertEquals(1, first.get(), "each worker is asked once");
        assertEquals(1, second.get(), "each worker is asked once");
    }
}
