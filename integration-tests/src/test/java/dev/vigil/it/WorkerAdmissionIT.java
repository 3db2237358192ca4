package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * Admission at the worker with real processes: a worker whose admission queue is full answers busy,
 * the frontend sends the request to another worker (every client gets 200, with migration off, so the
 * detour spent nothing), and the full worker is neither inhibited nor failed; with no other worker
 * the client gets the overload status (429 here) and a Retry-After; and the queue serves higher
 * priority ({@code nvext.priority}) first. Each test serves its own model, so none routes to
 * another's workers.
 */
@Timeout(240)
class WorkerAdmissionIT {

    static final Duration START = Duration.ofSeconds(90);
    /** A slow worker: 10 tokens at 200 ms, 2 s a request, long enough to keep its one slot taken. */
    static final String SLOW_ITL_MS = "200";

    static Cluster cluster;
    static String api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("admission")
                .frontendEnv(
                        EnvNames.DYN_HTTP_OVERLOAD_STATUS_CODE, "429",
                        EnvNames.DYN_ROUTER_MODE, "round-robin")
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    static String chat(String model, int maxTokens, Integer priority) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":"
                + maxTokens + (priority == null ? "" : ",\"nvext\":{\"priority\":" + priority + "}") + "}";
    }

    static Response post(String body) {
        return given().contentType("application/json").body(body).post(api + "/v1/chat/completions");
    }

    static CompletableFuture<Response> postAsync(String body) {
        return CompletableFuture.supplyAsync(() -> post(body));
    }

    /** A worker of {@code model} with one slot and {@code queue} places, slow. */
    static Cluster.App admittingWorker(String model, int queue) {
        return cluster.addWorker(
                EnvNames.DYN_MODEL_NAME,
                model,
                EnvNames.DYN_MOCKER_ITL_MS,
                SLOW_ITL_MS,
                EnvNames.DYN_BACKEND_ADMISSION_MAX_CONCURRENT,
                "1",
                EnvNames.DYN_BACKEND_ADMISSION_QUEUE_SIZE,
                String.valueOf(queue));
    }

    static void awaitRoutable(String model, int instances) {
        Awaitility.await(model + " routable on " + instances).atMost(START).until(() -> {
            JsonPath ready = given().get(api + "/v1/models/" + model + "/ready").jsonPath();
            return Integer.valueOf(instances).equals(ready.get("routable_instances"));
        });
    }

    /**
     * The value of one series on the worker's {@code /metrics}, 0 when absent; {@code series} with its
     * labels as Prometheus text has them, less the trailing comma this exporter writes.
     */
    static double metric(Cluster.App worker, String series) {
        return given().get(worker.url("/metrics"))
                .asString()
                .lines()
                .map(l -> l.replace(",}", "}"))
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    /** The worker's admission series, for a failure's message. */
    static String admissionSeries(Cluster.App worker) {
        return String.join(
                "\n",
                given().get(worker.url("/metrics"))
                        .asString()
                        .lines()
                        .filter(l -> l.contains("admission"))
                        .toList());
    }

    /** Every {@code dynamo_component_errors_total} series of the worker, summed. */
    static double errors(Cluster.App worker) {
        return given().get(worker.url("/metrics"))
                .asString()
                .lines()
                .filter(l -> l.startsWith("dynamo_component_errors_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static final String QUEUE_FULL = "vigil_worker_admission_rejected_total{reason=\"queue_full\"}";
    static final String DEPTH = "vigil_worker_admission_queue_depth";

    /** This worker's entry in the frontend's {@code /v1/instances}, found by its status server. */
    static Map<String, Object> instanceOf(Cluster.App worker) {
        List<Map<String, Object>> data =
                given().get(api + "/v1/instances").jsonPath().getList("data");
        return data.stream()
                .filter(i -> String.valueOf(i.get("system_status_url"))
                        .replaceAll("/$", "")
                        .endsWith(":" + worker.port()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no instance of " + worker.url() + " in " + data));
    }

    @Test
    void requestsOverflowingAFullWorkerAreServedByTheOtherAndTheFullOneStaysReady() {
        String model = "spill";
        Cluster.App full = admittingWorker(model, 1);
        Cluster.App roomy = cluster.addWorker(EnvNames.DYN_MODEL_NAME, model, EnvNames.DYN_MOCKER_ITL_MS, "1");
        awaitRoutable(model, 2);
        // Round robin sends every other request to the full worker: 8 at once give it 4, of which it
        // runs one and queues one, so at least two are refused there and go to the other worker.
        List<CompletableFuture<Response>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(postAsync(chat(model, 10, null)));
        }
        for (CompletableFuture<Response> request : requests) {
            Response answer = request.join();
            assertEquals(200, answer.statusCode(), answer.asString());
        }
        assertTrue(metric(full, QUEUE_FULL) >= 1, "the full worker refused some: " + admissionSeries(full));
        assertEquals(0, metric(roomy, QUEUE_FULL), "admission is off on the other");
        // Busy is not dead: the refusals left the full worker ready (not inhibited), with no circuit
        // trouble, and its /metrics counts no error for them.
        Map<String, Object> instance = instanceOf(full);
        assertEquals("ready", ((Map<?, ?>) instance.get("worker_state")).get("state"), instance.toString());
        Object circuit = instance.get("circuit");
        assertTrue(circuit == null || "closed".equals(((Map<?, ?>) circuit).get("state")), instance.toString());
        assertEquals(0, errors(full), "no error counted for a refusal");
        full.close();
        roomy.close();
    }

    @Test
    void aSingleFullWorkerGivesTheClientTheOverloadStatusWithARetryAfter() {
        String model = "alone";
        Cluster.App worker = admittingWorker(model, 1);
        awaitRoutable(model, 1);
        CompletableFuture<Response> running = postAsync(chat(model, 10, null));
        CompletableFuture<Response> queued = postAsync(chat(model, 10, null));
        Awaitility.await("one request runs and one waits")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> metric(worker, DEPTH) == 1);
        Response refused = post(chat(model, 10, null));
        assertEquals(429, refused.statusCode(), refused.asString());
        String retryAfter = refused.header("Retry-After");
        assertNotNull(retryAfter, "Retry-After on the overload answer");
        int seconds = Integer.parseInt(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 60, retryAfter);
        assertEquals(429, refused.jsonPath().getInt("code"));
        assertEquals(
                "ResourceExhausted: All workers are busy, please retry later",
                refused.jsonPath().getString("message"));
        assertEquals(200, running.join().statusCode());
        assertEquals(200, queued.join().statusCode());
        assertTrue(metric(worker, QUEUE_FULL) >= 1, admissionSeries(worker));
        assertEquals("ready", ((Map<?, ?>) instanceOf(worker).get("worker_state")).get("state"));
        worker.close();
    }

    @Test
    void theQueueServesAHigherPriorityFirst() {
        String model = "prio";
        Cluster.App worker = admittingWorker(model, 10);
        awaitRoutable(model, 1);
        Queue<String> finished = new ConcurrentLinkedQueue<>();
        CompletableFuture<Response> blocker = postAsync(chat(model, 10, null));
        Awaitility.await("the blocker holds the one slot")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> metric(worker, "vigil_worker_admission_wait_seconds_count") >= 1);
        List<CompletableFuture<Response>> all = new ArrayList<>(List.of(blocker));
        String[] names = {"low-1", "low-2", "high"};
        int[] priorities = {-5, -5, 50};
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            all.add(postAsync(chat(model, 2, priorities[i])).whenComplete((r, e) -> finished.add(name)));
            int waiting = i + 1;
            // Each waits in the queue before the next is sent: the arrival order is known.
            Awaitility.await(name + " waits")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> metric(worker, DEPTH) == waiting);
        }
        all.forEach(r -> assertEquals(200, r.join().statusCode()));
        assertEquals(List.of("high", "low-1", "low-2"), List.copyOf(finished), "higher first, then in arrival order");
        // The wrong type or range is the client's mistake, refused before any worker sees it.
        Response bad = post(chat(model, 2, 1000));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.jsonPath().getString("message").contains("nvext.priority"), bad.asString());
        worker.close();
    }
}
