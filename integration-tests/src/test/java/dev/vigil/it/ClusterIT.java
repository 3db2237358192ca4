package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.restassured.path.json.JsonPath;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.AppProcess;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * The whole path with real parts: etcd, two packaged workers and a packaged frontend on the default
 * (direct TCP) request plane.
 * One cluster for the class; the last test kills a worker.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    static final int LEASE_TTL_SECS = 3;
    static final String MODEL = "mock-model";
    static final Duration START = Duration.ofSeconds(60);

    static Cluster cluster;
    static AppProcess worker1;
    static int worker1Port;
    static int worker2Port;
    static String api;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("cluster")
                .env(EnvNames.DYN_ETCD_LEASE_TTL, String.valueOf(LEASE_TTL_SECS))
                .workerEnv(
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                        "[\"generate\"]",
                        EnvNames.DYN_MODEL_NAME,
                        MODEL,
                        EnvNames.DYN_MOCKER_ITL_MS,
                        "2",
                        EnvNames.DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT,
                        "5")
                .frontendEnv(EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .workers(2)
                .frontend()
                .answerWithin(START)
                .start();
        worker1 = cluster.worker(0).process();
        worker1Port = cluster.worker(0).port();
        worker2Port = cluster.worker(1).port();
        api = cluster.frontend().url();
    }

    @AfterAll
    static void stopCluster() {
        Processes.closeAll(cluster);
    }

    @Test
    @Order(1)
    void eachWorkerTurnsReadyOnceItsEndpointsAreServed() {
        for (int port : new int[] {worker1Port, worker2Port}) {
            String url = "http://127.0.0.1:" + port + "/health";
            Awaitility.await("worker " + port + " serves all three endpoints")
                    .atMost(START)
                    .until(() -> given().get(url).statusCode() == 200
                            && JsonPath.from(given().get(url).asString())
                                            .getMap("endpoints")
                                            .size()
                                    == 3);
            JsonPath body = JsonPath.from(given().get(url).asString());
            assertEquals("ready", body.getString("status"));
            assertEquals(
                    Map.of("clear_kv_blocks", "ready", "generate", "ready", "load_metrics", "ready"),
                    body.getMap("endpoints"));
        }
    }

    @Test
    @Order(2)
    void frontendHealthListsBothWorkersInstances() {
        Awaitility.await("frontend sees 6 instances")
                .atMost(Duration.ofSeconds(10))
                .until(() -> JsonPath.from(given().get(api + "/health").asString())
                                .getList("instances")
                                .size()
                        == 6);
        JsonPath health = JsonPath.from(given().get(api + "/health")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .asString());
        assertEquals("healthy", health.getString("status"));
        assertEquals(List.of("dyn://dynamo.backend.generate"), health.getList("endpoints"));
        List<Map<String, Object>> instances = health.getList("instances");
        Set<Object> ids = new HashSet<>();
        List<String> endpoints = new ArrayList<>();
        for (Map<String, Object> instance : instances) {
            assertEquals(Set.of("component", "endpoint", "instance_id", "namespace", "transport"), instance.keySet());
            assertEquals("backend", instance.get("component"));
            assertEquals("dynamo", instance.get("namespace"));
            ids.add(instance.get("instance_id"));
            endpoints.add((String) instance.get("endpoint"));
            // The default plane is the direct TCP one: Dynamo's {"tcp":"host:port/<id hex>/<endpoint>"}.
            String address = ((Map<?, ?>) instance.get("transport")).get("tcp").toString();
            long id = Long.parseLong(instance.get("instance_id").toString());
            assertTrue(
                    address.matches("127\\.0\\.0\\.1:\\d+/" + Long.toHexString(id) + "/" + instance.get("endpoint")),
                    address);
        }
        assertEquals(2, ids.size(), "two processes, each with one instance id for its three endpoints");
        assertEquals(2, endpoints.stream().filter("generate"::equals).count());
        assertEquals(2, endpoints.stream().filter("clear_kv_blocks"::equals).count());
        assertEquals(2, endpoints.stream().filter("load_metrics"::equals).count());
    }

    @Test
    @Order(3)
    void modelsAreListed() {
        given().get(api + "/v1/models")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem(MODEL));
    }

    @Test
    @Order(4)
    void streamingChatCompletionArrivesWholeAndMatchesTheUnaryAnswer() {
        String request =
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],"
                        + "\"max_tokens\":40,\"stream\":%s,\"stream_options\":{\"include_usage\":true}}";
        String sse = given().contentType("application/json")
                .body(String.format(request, "true"))
                .post(api + "/v1/chat/completions")
                .then()
                .statusCode(200)
                .contentType("text/event-stream")
                .extract()
                .asString();
        Sse stream = Sse.parse(sse);
        assertTrue(stream.done(), "ends with data: [DONE]");
        assertFalse(stream.errors(), sse);
        assertEquals("length", stream.finishReason());
        assertEquals(40, stream.completionTokens());

        JsonPath unary = JsonPath.from(given().contentType("application/json")
                .body(String.format(request, "false"))
                .post(api + "/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertEquals("chat.completion", unary.getString("object"));
        assertEquals(stream.content(), unary.getString("choices[0].message.content"), "deterministic mock output");
        assertEquals(40, unary.getInt("usage.completion_tokens"));
        assertTrue(unary.getInt("usage.prompt_tokens") > 0);
    }

    @Test
    @Order(5)
    void completionsEndpointAndErrors() {
        JsonPath completion = JsonPath.from(given().contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":5}")
                .post(api + "/v1/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertEquals("text_completion", completion.getString("object"));
        assertNotNull(completion.getString("choices[0].text"));
        assertEquals(5, completion.getInt("usage.completion_tokens"));

        given().contentType("application/json")
                .body("{\"model\":\"nope\",\"prompt\":\"x\"}")
                .post(api + "/v1/completions")
                .then()
                .statusCode(404)
                .body("code", equalTo(404))
                .body("type", equalTo("Not Found"));
        given().contentType("application/json")
                .body("{not json")
                .post(api + "/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("type", equalTo("Bad Request"));
    }

    @Test
    @Order(6)
    void theOfficialOpenAiClientWorksAgainstTheFrontend() throws Exception {
        String line = NodeScript.run("openai-check", "check.mjs", api, MODEL);
        JsonPath seen = JsonPath.from(line);
        assertTrue(seen.getList("models").contains(MODEL));
        assertEquals("length", seen.getString("finish"));
        assertEquals(16, seen.getInt("usage.completion_tokens"));
        assertTrue(seen.getInt("chunks") >= 16, line);
    }

    @Test
    @Order(10)
    void killedWorkerLeavesHealthWithinLeaseTtlAndTheSurvivorServes() {
        Set<Object> before = instanceIds();
        assertEquals(2, before.size());
        worker1.kill();
        Duration bound = Duration.ofSeconds(LEASE_TTL_SECS + 2);
        Awaitility.await("worker 1's instances leave /health")
                .atMost(bound)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> JsonPath.from(given().get(api + "/health").asString())
                                        .getList("instances")
                                        .size()
                                == 3
                        && instanceIds().size() == 1);
        for (int i = 0; i < 10; i++) {
            given().contentType("application/json")
                    .body("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"again " + i
                            + "\"}],\"max_tokens\":5}")
                    .post(api + "/v1/chat/completions")
                    .then()
                    .statusCode(200);
        }
    }

    static Set<Object> instanceIds() {
        List<Map<String, Object>> instances =
                JsonPath.from(given().get(api + "/health").asString()).getList("instances");
        Set<Object> ids = new HashSet<>();
        instances.forEach(i -> ids.add(i.get("instance_id")));
        return ids;
    }
}
