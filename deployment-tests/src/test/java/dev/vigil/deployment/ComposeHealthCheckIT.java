package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * The health check commands of compose.yaml, run with bash exactly as a container runs them, against
 * the packaged apps started with the services' own variables: they fail while an app cannot serve
 * (worker loading, frontend without a worker) and pass once it can. Only the addresses change: etcd,
 * NATS and the app's port are this test's.
 */
// Two apps answering (30 s each), then both checks passing (34 s each), plus the checks' own 10 s runs.
@Timeout(240)
class ComposeHealthCheckIT {

    /** The worker's simulated model load: the window in which its check must fail. */
    private static final int LOAD_MS = 4000;

    private static final Duration START = Duration.ofSeconds(30);

    /** etcd and NATS for the class. */
    static Cluster cluster;

    @BeforeAll
    static void startServers() {
        cluster = Cluster.builder("compose").start();
    }

    @AfterAll
    static void stopServers() {
        Processes.closeAll(cluster);
    }

    @Test
    void checksFailUntilTheAppsCanServeThenPass() {
        Map<String, Object> compose = ComposeFiles.load("compose.yaml");
        Map<String, Object> workerService = ComposeFiles.service(compose, "worker-1");
        Map<String, Object> frontendService = ComposeFiles.service(compose, "frontend");

        // The services' own variables; the cluster moves etcd, NATS and each app's address to its own.
        Cluster.Launch workerLaunch = cluster.worker(null)
                .env(ComposeFiles.env(workerService))
                .env(EnvNames.DYN_MOCKER_STARTUP_DELAY_MS, String.valueOf(LOAD_MS));
        Cluster.Launch frontendLaunch = cluster.frontend(null).env(ComposeFiles.env(frontendService));

        List<String> workerCheck = retarget(workerService, workerLaunch.port());
        List<String> frontendCheck = retarget(frontendService, frontendLaunch.port());
        assertNotEquals(0, run(workerCheck), "nothing listens yet: the check must fail");

        try (Cluster.App frontend = frontendLaunch.start().awaitLive(START);
                Cluster.App worker = workerLaunch.start().awaitLive(START)) {
            assertNotEquals(0, run(workerCheck), "the worker is loading its model: /health is 503");
            assertNotEquals(0, run(frontendCheck), "the frontend knows no worker: /health is 503");
            Duration ready = START.plusMillis(LOAD_MS);
            Awaitility.await("worker health check passes").atMost(ready).until(() -> run(workerCheck) == 0);
            Awaitility.await("frontend health check passes").atMost(ready).until(() -> run(frontendCheck) == 0);
        }
    }

    /** The service's check with the container's port replaced by the test's. */
    private static List<String> retarget(Map<String, Object> service, int port) {
        List<String> check = ComposeFiles.healthCheck(service);
        String[] target = ComposeFiles.httpTarget(check);
        assertNotNull(target, "an HTTP check: " + check);
        List<String> command = new ArrayList<>();
        for (String part : check.subList(1, check.size())) {
            command.add(part.replace("/dev/tcp/127.0.0.1/" + target[0] + " ", "/dev/tcp/127.0.0.1/" + port + " "));
        }
        assertTrue(String.join(" ", command).contains("/" + port + " "), "retargeted: " + command);
        return command;
    }

    private static int run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
