package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.path.json.JsonPath;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.FakeEngineProcess;
import dev.vigil.testing.FakeOpenAiEngine;

/**
 * Workers in front of OpenAI-compatible engines ({@code DYN_ENGINE=openai}), each engine a {@link
 * FakeOpenAiEngine} process (deterministic and continuation-exact, standing for vLLM/SGLang), with
 * real etcd, NATS and packaged jars: the fault paths of issue 13. Each test serves its own model so
 * the tests do not route to each other's workers.
 */
@Timeout(300)
class EngineFaultsIT {

    static final Duration START = Duration.ofSeconds(90);
    /** Between two tokens of the fake engines: a 100-token stream takes 4 s, long enough to cut. */
    static final long ITL_MS = 40;
    /** Engine monitor: 3 failed checks a second apart, seen by a check every 2 s, then shutdown. */
    static final Duration ENGINE_DEATH = Duration.ofSeconds(30);

    static Cluster cluster;
    static String api;
    static final AtomicInteger engines = new AtomicInteger();
    final List<FakeEngineProcess> started = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("engines")
                .env(EnvNames.DYN_ETCD_LEASE_TTL, "3")
                .workerEnv(EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS, "[\"generate\"]")
                .frontendEnv(EnvNames.DYN_MIGRATION_LIMIT, "3", EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0")
                .frontend()
                .answerWithin(START)
                .start();
        api = cluster.frontend().url();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void stopEngines() {
        started.forEach(FakeEngineProcess::close);
    }

    FakeEngineProcess engine(String model) {
        FakeEngineProcess engine =
                new FakeEngineProcess("fake-engine-" + engines.incrementAndGet(), "engine/" + model, ITL_MS);
        started.add(engine);
        engine.start();
        return engine;
    }

    /** A worker serving {@code model} in front of {@code engine}; returns once it is ready. */
    Cluster.App worker(String model, FakeEngineProcess engine, String... env) {
        List<String> vars = new ArrayList<>(List.of(
                EnvNames.DYN_ENGINE, "openai", EnvNames.DYN_ENGINE_URL, engine.url(), EnvNames.DYN_MODEL_NAME, model));
        vars.addAll(List.of(env));
        Cluster.App worker = cluster.addWorker(vars.toArray(String[]::new));
        awaitHealth(worker, 200);
        return worker;
    }

    static void awaitHealth(Cluster.App worker, int status) {
        Awaitility.await(worker.name() + " /health " + status).atMost(START).until(() -> {
            if (!worker.process().alive()) {
                throw new AssertionError(
                        worker.name() + " exited:\n" + worker.process().output());
            }
            try {
                return given().get(worker.url("/health")).statusCode() == status;
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    static void awaitRoutable(String model, int instances) {
        Awaitility.await(model + " routable on " + instances).atMost(START).until(() -> {
            JsonPath ready = given().get(api + "/v1/models/" + model + "/ready").jsonPath();
            return Integer.valueOf(instances).equals(ready.get("routable_instances"));
        });
    }

    static JsonPath stats(FakeEngineProcess engine) {
        return given().get(engine.url() + "/fake/stats").jsonPath();
    }

    static String chat(String model, String content, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"max_tokens\":" + maxTokens + ",\"stream\":true}";
    }

    @Test
    void aStreamWhoseEngineIsKilledContinuesOnAnotherEngineWithExactlyTheRestOfTheText() throws Exception {
        String model = "kill";
        FakeEngineProcess[] fakes = {engine(model), engine(model)};
        Cluster.App[] workers = {worker(model, fakes[0]), worker(model, fakes[1])};
        awaitRoutable(model, 2);
        int tokens = 100;
        String content = "Tell a long story";
        int[] killed = {-1};
        StreamRun run = StreamRun.post(api + "/v1/chat/completions", chat(model, content, tokens), (count, r) -> {
            if (count == 10) {
                for (int i = 0; i < 2; i++) {
                    if (workers[i].process().output().contains("Decode Request ID: " + r.requestId)) {
                        killed[0] = i;
                        fakes[i].kill();
                    }
                }
            }
            return true;
        });
        assertTrue(killed[0] >= 0, "the engine serving the stream was killed");
        assertEquals(200, run.status);
        assertFalse(run.errorEvent, run.errorData);
        assertTrue(run.done, "the stream ends with [DONE]");
        assertEquals("length", run.finishReason);
        String expected = String.join("", FakeOpenAiEngine.answer(FakeOpenAiEngine.userChat(content), tokens));
        assertEquals(expected, run.content(), "no character missing or doubled across the migration");
        Cluster.App survivor = workers[1 - killed[0]];
        assertTrue(
                survivor.process().output().contains("Decode Request ID: " + run.requestId),
                "the other worker continued the stream");

        // The worker whose engine died leaves and exits 1 (Dynamo's engine monitor).
        Cluster.App orphan = workers[killed[0]];
        assertEquals(
                1, orphan.process().awaitExit(ENGINE_DEATH), orphan.process().output());
        assertTrue(orphan.process().output().contains("failed 3 health checks in a row"));
        awaitRoutable(model, 1);
        survivor.close();
    }

    @Test
    void aWorkerWhoseEngineFailsItsHealthRouteLeavesAndExits1() {
        String model = "health";
        FakeEngineProcess fake = engine(model);
        Cluster.App worker = worker(model, fake);
        awaitRoutable(model, 1);
        given().post(fake.url() + "/fake/health?status=503").then().statusCode(204);
        assertEquals(
                1, worker.process().awaitExit(ENGINE_DEATH), worker.process().output());
        String log = worker.process().output();
        assertTrue(log.contains("Engine health check failed (1 of 3 in a row): HTTP 503"), log);
        assertTrue(log.contains("Engine is dead"), log);
        Awaitility.await("the model is gone from the frontend")
                .atMost(START)
                .until(() -> given().get(api + "/v1/models/" + model + "/ready").statusCode() != 200);
    }

    @Test
    void aClientThatDisconnectsClosesTheEngineRequest() throws Exception {
        String model = "cancel";
        FakeEngineProcess fake = engine(model);
        Cluster.App worker = worker(model, fake);
        awaitRoutable(model, 1);
        StreamRun run =
                StreamRun.post(api + "/v1/chat/completions", chat(model, "Go on and on", 500), (count, r) -> count < 3);
        assertEquals(3, run.pieces.size());
        Awaitility.await("the engine sees its client go")
                .atMost(Duration.ofSeconds(15))
                .until(() -> stats(fake).getInt("cancelled") == 1);
        assertEquals(0, stats(fake).getInt("completed"));
        assertEquals(0, stats(fake).getInt("running"));
        assertTrue(worker.process().output().contains("Aborted Request ID: " + run.requestId));
        worker.close();
    }

    @Test
    void aHungEngineIsCaughtByTheCanaryAndTheWorkerRecoversWithIt() {
        String model = "hang";
        FakeEngineProcess fake = engine(model);
        Cluster.App worker = worker(
                model,
                fake,
                EnvNames.DYN_HEALTH_CHECK_ENABLED,
                "true",
                EnvNames.DYN_CANARY_WAIT_TIME,
                "1",
                EnvNames.DYN_HEALTH_CHECK_REQUEST_TIMEOUT,
                "2");
        given().post(fake.url() + "/fake/mode?mode=hang").then().statusCode(204);
        // Its health route still answers: only a request through the engine shows the hang.
        awaitHealth(worker, 503);
        given().post(fake.url() + "/fake/mode?mode=normal").then().statusCode(204);
        awaitHealth(worker, 200);
        worker.close();
    }

    @Test
    void aChildEngineIsWaitedForAndStoppedAfterTheWorkerDrains() {
        String model = "child";
        FakeEngineProcess fake = new FakeEngineProcess("fake-engine-child", "engine/" + model, ITL_MS);
        Cluster.App worker = worker(model, fake, EnvNames.DYN_ENGINE_COMMAND, fake.commandLine());
        awaitRoutable(model, 1);
        given().contentType("application/json")
                .body("{\"model\":\"child\",\"prompt\":\"Hi\",\"max_tokens\":3}")
                .post(api + "/v1/completions")
                .then()
                .statusCode(200);
        long pid = stats(fake).getLong("pid");
        worker.process().stop();
        assertEquals(0, worker.process().awaitExit(START), worker.process().output());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the child engine stopped");
        assertTrue(worker.process().output().contains("fake engine stopping (SIGTERM)"));
    }

    @Test
    void aChildEngineThatExitsTakesTheWorkerDown() {
        String model = "child-dies";
        FakeEngineProcess fake = new FakeEngineProcess("fake-engine-child-dies", "engine/" + model, ITL_MS);
        Cluster.App worker = worker(model, fake, EnvNames.DYN_ENGINE_COMMAND, fake.commandLine());
        long pid = stats(fake).getLong("pid");
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        assertEquals(
                1, worker.process().awaitExit(ENGINE_DEATH), worker.process().output());
        // The pid the worker reports is its child's (a shell, unless it exec'd the engine).
        assertTrue(
                worker.process().output().contains("exited with code 137"),
                worker.process().output());
    }
}
