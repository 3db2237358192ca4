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

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.AppProcess;
import dev.vigil.testing.EtcdServer;
import dev.vigil.testing.FreePort;
import dev.vigil.testing.NatsServer;

/**
 * The health check commands of compose.yaml, run with bash exactly as a container runs them, against
 * the packaged apps started with the services' own variables: they fail while an app cannot serve
 * (worker loading, frontend without a worker) and pass once it can. Only the addresses change: etcd,
 * NATS and the app's port are this test's.
 */
class ComposeHealthCheckIT {

    /** The worker's simulated model load: the window in which its check must fail. */
    private static final int LOAD_MS = 4000;

    private static final Duration START = Duration.ofSeconds(30);

    static EtcdServer etcd;
    static NatsServer nats;

    @BeforeAll
    static void startServers() {
        etcd = EtcdServer.started();
        nats = NatsServer.started();
    }

    @AfterAll
    static void stopServers() {
        if (nats != null) {
            nats.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void checksFailUntilTheAppsCanServeThenPass() {
        Map<String, Object> compose = ComposeFiles.load("compose.yaml");
        Map<String, Object> workerService = ComposeFiles.service(compose, "worker-1");
        Map<String, Object> frontendService = ComposeFiles.service(compose, "frontend");
        int workerPort = FreePort.next();
        int frontendPort = FreePort.next();

        Map<String, String> workerEnv = local(ComposeFiles.env(workerService));
        workerEnv.put(EnvNames.DYN_SYSTEM_PORT, String.valueOf(workerPort));
        workerEnv.put(EnvNames.DYN_SYSTEM_HOST, "127.0.0.1");
        workerEnv.put(EnvNames.DYN_MOCKER_STARTUP_DELAY_MS, String.valueOf(LOAD_MS));
        Map<String, String> frontendEnv = local(ComposeFiles.env(frontendService));
        frontendEnv.put(EnvNames.DYN_HTTP_PORT, String.valueOf(frontendPort));
        frontendEnv.put(EnvNames.DYN_HTTP_HOST, "127.0.0.1");

        List<String> workerCheck = retarget(workerService, workerPort);
        List<String> frontendCheck = retarget(frontendService, frontendPort);
        assertNotEquals(0, run(workerCheck), "nothing listens yet: the check must fail");

        try (AppProcess frontend = AppProcess.start("compose-frontend", AppProcess.frontendJar(), frontendEnv)
                        .awaitHttp("http://127.0.0.1:" + frontendPort + "/live", START);
                AppProcess worker = AppProcess.start("compose-worker", AppProcess.workerJar(), workerEnv)
                        .awaitHttp("http://127.0.0.1:" + workerPort + "/live", START)) {
            assertNotEquals(0, run(workerCheck), "the worker is loading its model: /health is 503");
            assertNotEquals(0, run(frontendCheck), "the frontend knows no worker: /health is 503");
            Duration ready = START.plusMillis(LOAD_MS);
            Awaitility.await("worker health check passes").atMost(ready).until(() -> run(workerCheck) == 0);
            Awaitility.await("frontend health check passes").atMost(ready).until(() -> run(frontendCheck) == 0);
        }
    }

    /** The service's variables with etcd and NATS moved to this test's servers. */
    private static Map<String, String> local(Map<String, String> env) {
        Map<String, String> local = new java.util.LinkedHashMap<>(env);
        local.put(EnvNames.ETCD_ENDPOINTS, etcd.endpoint());
        local.put(EnvNames.NATS_SERVER, nats.url());
        return local;
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
