package dev.vigil.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.restassured.response.Response;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * One view of a worker's health across frontends, with real etcd and the packaged apps: a worker
 * frozen with SIGSTOP fails a request on one frontend, which inhibits it and says so in discovery;
 * a second frontend then keeps the worker out without having sent it anything, while a third with
 * {@code DYN_ROUTER_SHARED_HEALTH=false} still counts it ready.
 */
@Timeout(240)
class SharedHealthIT {

    static final Duration START = Duration.ofSeconds(60);
    /** Long enough that nothing lapses while the test looks. */
    static final String INHIBITED_SECS = "30";

    static Cluster cluster;
    static Cluster.App reporter;
    static Cluster.App peer;
    static Cluster.App strict;

    static String[] frontendEnv(String... more) {
        String[] base = {
            EnvNames.DYN_MIGRATION_LIMIT, "3",
            EnvNames.DYN_RUNTIME_INHIBITED_DURATION_SECS, INHIBITED_SECS,
            EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS, "0"
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("shared")
                // The frozen worker's lease must outlive the test: no discovery change may end it.
                .env(EnvNames.DYN_ETCD_LEASE_TTL, "60")
                .frontendEnv(frontendEnv())
                .workers(2)
                .frontend()
                .answerWithin(START)
                .start();
        reporter = cluster.frontend();
        peer = cluster.frontend("peer").env(frontendEnv()).start().awaitAnswering("/health", START);
        strict = cluster.frontend("strict")
                .env(frontendEnv(EnvNames.DYN_ROUTER_SHARED_HEALTH, "false"))
                .start()
                .awaitAnswering("/health", START);
        for (Cluster.App frontend : new Cluster.App[] {reporter, peer, strict}) {
            FrontendClient.awaitWorkers(frontend.url(), 2, START);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        signal(cluster.worker(1), "CONT");
        Processes.closeAll(cluster);
    }

    static void signal(Cluster.App worker, String signal) throws Exception {
        Process kill = new ProcessBuilder(
                        "kill", "-" + signal, String.valueOf(worker.process().pid()))
                .inheritIO()
                .start();
        assertEquals(0, kill.waitFor());
    }

    static String completion(Cluster.App frontend, String prompt) {
        Response response = given().contentType("application/json")
                .body("{\"model\":\"mock-model\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2}")
                .post(frontend.url() + "/v1/completions");
        assertEquals(200, response.statusCode(), response.asString());
        return response.jsonPath().getString("id");
    }

    /** The worker's state and reason as {@code frontend}'s {@code /v1/instances} shows them. */
    static String state(Cluster.App frontend, Cluster.App worker) {
        var json = given().get(frontend.url() + "/v1/instances").jsonPath();
        String at = "data.find { it.system_status_url == '" + worker.url() + "' }.worker_state";
        return json.getString(at + ".state") + ": " + json.getString(at + ".reason");
    }

    static double sharedVerdicts(Cluster.App frontend, String event) {
        Matcher m = Pattern.compile("(?m)^vigil_frontend_shared_verdicts_total\\{event=\"" + event + "\",?} (\\S+)$")
                .matcher(given().get(frontend.url() + "/metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aWorkerOneFrontendFoundDeadIsKeptOutByAnotherThatNeverTriedIt() throws Exception {
        Cluster.App healthy = cluster.worker(0);
        Cluster.App frozen = cluster.worker(1);
        signal(frozen, "STOP");

        // The reporter finds out the hard way: a request it sends to the frozen worker goes silent
        // and migrates, and the worker is inhibited. Round robin reaches it within two requests.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            completion(reporter, "find the frozen one");
            return state(reporter, frozen).startsWith("inhibited");
        });
        assertTrue(sharedVerdicts(reporter, "published") >= 1, "the reporter published no verdict");

        // The peer has sent nothing to anyone, yet keeps the frozen worker out, naming the reporter.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state(peer, frozen)
                .startsWith("inhibited"));
        assertTrue(state(peer, frozen).contains("reports it inhibited"), state(peer, frozen));
        assertTrue(sharedVerdicts(peer, "received") >= 1, "the peer received no verdict");
        Set<String> servedBefore = FrontendClient.decoded(healthy);
        for (int i = 0; i < 6; i++) {
            String id = completion(peer, "peer " + i);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> FrontendClient.decoded(healthy).stream()
                    .anyMatch(id::endsWith));
        }
        assertEquals(
                servedBefore.size() + 6, FrontendClient.decoded(healthy).size(), "the peer's requests went elsewhere");

        // Switched off, a frontend ignores what the others found.
        assertTrue(state(strict, frozen).startsWith("ready"), state(strict, frozen));
        assertEquals(0.0, sharedVerdicts(strict, "received"));
    }
}
