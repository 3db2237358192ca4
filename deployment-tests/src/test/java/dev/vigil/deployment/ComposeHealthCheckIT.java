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
 * The health checks of compose.yaml's services (their images' HEALTHCHECK), run as the container runs
 * them: the same java command on the packaged app's own jars, with the service's variables, against
 * the packaged apps started with those variables. They fail while an app cannot serve (worker loading,
 * frontend without a worker) and pass once it can. Only the addresses change: etcd, NATS and the
 * app's port are this test's (the check reads the port from the app's variable, as in the container).
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

        Check workerCheck = Check.of("worker", workerService, EnvNames.DYN_SYSTEM_PORT, workerLaunch.port());
        Check frontendCheck = Check.of("frontend", frontendService, EnvNames.DYN_HTTP_PORT, frontendLaunch.port());
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

    /** A service's image health check, as this machine can run it: the container's paths made the module's. */
    record Check(List<String> command, Map<String, String> env) {

        static Check of(String module, Map<String, Object> service, String portVariable, int port) {
            List<String> check = ComposeFiles.healthCheck(service);
            assertTrue(check.contains(ComposeFiles.HEALTH_CHECK_COMMAND), module + " runs Vigil's check: " + check);
            String java = ProcessHandle.current().info().command().orElse("java");
            String app = Repo.path(module + "/target/quarkus-app").toString();
            List<String> command = new ArrayList<>();
            for (String part : check.subList(1, check.size())) {
                command.add(part.equals("java") ? java : part.replace("/deployments", app));
            }
            Map<String, String> env = new java.util.HashMap<>(ComposeFiles.env(service));
            env.put(portVariable, String.valueOf(port));
            assertNotNull(ComposeFiles.httpTarget(check, env), module + ": an HTTP check");
            return new Check(command, env);
        }
    }

    private static int run(Check check) {
        try {
            ProcessBuilder builder = new ProcessBuilder(check.command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().putAll(check.env());
            Process process = builder.start();
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
