package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import dev.vigil.testing.FreePort;
import dev.vigil.testing.TestTools;

/**
 * The rendered k8s/ manifests run with {@code podman kube play} (changed only where podman cannot do
 * what Kubernetes does: {@link KubePlay}), on the images {@code containers/run.sh images} builds. The
 * pods come up and serve a chat request; then their probes act as podman models them: a worker whose
 * JVM dies is restarted (the restart policy), and a worker whose JVM hangs fails its liveness probe
 * {@code failureThreshold} times and podman acts on it (unhealthy, then restarted), while the frontend routes every
 * request to the other worker. podman runs health checks from systemd timers, which this machine
 * lacks, so the test runs them at the probe's period, as the timer would.
 */
@Timeout(600)
class KubePlayIT {

    private static final Duration UP = Duration.ofSeconds(180);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> podmanEnv = new HashMap<>();
    private final long started = System.nanoTime();

    /** What the test reached, and when: the output says where its minutes go. */
    private void step(String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    @Test
    void theManifestsRunInPodsAndTheirProbesAct(@TempDir Path dir) throws Exception {
        TestTools.assumeInstalled(
                onPath("podman"),
                "podman not installed (Debian: apt-get install podman aardvark-dns iptables runc): kube play not run");
        Run images = run(
                Duration.ofSeconds(300),
                List.of("bash", Repo.path("containers/run.sh").toString(), "images"));
        assertEquals(0, images.exit(), images.output());
        for (String line : Files.readAllLines(Repo.path(".vigil/containers/podman.env"))) {
            String[] pair = line.split("=", 2);
            if (pair.length == 2 && !pair[1].isEmpty()) {
                podmanEnv.put(pair[0], pair[1]);
            }
        }
        // podman 4.3 runs an exec probe through /bin/sh: an image of each app with one, for podman only.
        Path context = Files.createDirectories(dir.resolve("context/bin"));
        Files.copy(Path.of("/bin/dash").toRealPath(), context.resolve("sh"));
        Map<String, String> kubeImages = new HashMap<>();
        for (String app : List.of("worker", "frontend")) {
            String tag = "localhost/vigil/" + app + ":jvm-kube-play";
            Files.writeString(
                    dir.resolve("context/Containerfile"),
                    "FROM localhost/vigil/" + app + ":jvm\nCOPY bin/sh /bin/sh\n");
            podman(
                    "build",
                    "--quiet",
                    "--format",
                    "docker",
                    "-t",
                    tag,
                    dir.resolve("context").toString());
            kubeImages.put(app, tag);
        }

        step("images built");
        int frontendPort = FreePort.next();
        List<Map<String, Object>> objects = KubePlay.forPodman(
                Kustomize.build(Repo.path("k8s")), "localhost/vigil/etcd:local", kubeImages, frontendPort);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path manifests = dir.resolve("vigil-kube-play.yaml");
        Files.writeString(manifests, new Yaml(options).dumpAll(objects.iterator()));
        String network = "vigil-kube-it-" + ProcessHandle.current().pid();
        podman("network", "create", network);
        try {
            podman("kube", "play", "--network", network, manifests.toString());
            String api = "http://127.0.0.1:" + frontendPort;
            Awaitility.await("the frontend lists mock-model")
                    .atMost(UP)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> get(api + "/v1/models").contains("\"mock-model\""));
            assertEquals(200, chat(api), "a chat request through the frontend pod");
            step("pods up, chat answered");

            // What kube play made of the manifests: the liveness probe is a health check that restarts.
            String worker0 = "worker-pod-0-worker";
            String worker1 = "worker-pod-1-worker";
            String config = podman(
                    "inspect",
                    "--format",
                    "{{.HostConfig.RestartPolicy.Name}} {{.Config.HealthcheckOnFailureAction}}"
                            + " {{.HostConfig.Memory}} ro={{.HostConfig.ReadonlyRootfs}} {{json .Config.Healthcheck.Test}}",
                    worker0);
            // restartPolicy, the liveness probe's action, the memory limit, readOnlyRootFilesystem.
            assertTrue(config.startsWith("always restart 805306368 ro=true "), config);
            assertTrue(config.contains(ComposeFiles.HEALTH_CHECK_COMMAND), config);
            awaitHealthy(worker0);
            awaitHealthy(worker1);

            step("both workers healthy");
            // Both workers take traffic once the frontend's probes (DYN_PROBES) have admitted them.
            Awaitility.await("the frontend routes to both workers")
                    .atMost(UP)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> count(get(api + "/v1/instances"), "\"routable\":true") == 2);
            step("the frontend routes to both");

            // A worker whose JVM hangs: its liveness probe fails failureThreshold (3) times in a row and
            // podman acts on the container (the probe's action is restart, its restart policy Always:
            // depending on timing it is seen unhealthy, exited, or already running a new JVM); the
            // frontend's own probes route around it meanwhile.
            String hungPid = podman("inspect", "--format", "{{.State.Pid}}", worker1);
            Run stop = run(Duration.ofSeconds(10), List.of("kill", "-STOP", hungPid));
            assertEquals(0, stop.exit(), "kill -STOP " + hungPid + ": " + stop.output());
            List<Integer> during = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            int[] failedChecks = {0};
            try {
                Awaitility.await("worker 1 acted on by its liveness probe")
                        .atMost(UP)
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            // Long enough for podman to finish what the check sets off (a restart waits
                            // out the stop timeout): a check cut short may leave its action half done.
                            Run check = run(Duration.ofSeconds(120), podmanCommand("healthcheck", "run", worker1));
                            if (check.exit() != 0) {
                                failedChecks[0]++;
                            }
                            during.add(chat(api));
                            String state = podman(
                                    "inspect",
                                    "--format",
                                    "{{.State.Pid}} {{.State.Status}} {{.State.Health.Status}} {{.RestartCount}}",
                                    worker1);
                            seen.add("check " + check.exit() + " -> " + state);
                            return !state.startsWith(hungPid + " ") || state.contains(" unhealthy ");
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(
                        "the hung worker was never acted on; its states: " + seen + ", failed checks " + failedChecks[0]
                                + ", chats " + during,
                        e);
            }
            step("worker 1 acted on");
            System.out.println("hung worker's states: " + seen + "; failed checks " + failedChecks[0]
                    + "; chats meanwhile " + during);
            // Not before the third failure in a row: the check that tipped it over is the last one run.
            assertTrue(failedChecks[0] >= 3, "acted on after " + failedChecks[0] + " failed checks: " + seen);
            assertTrue(during.stream().allMatch(status -> status == 200), "every chat meanwhile answered: " + during);

            // A worker whose JVM dies: podman restarts its container (restartPolicy: Always), and
            // the restarted worker passes its health check again.
            String pid = podman("inspect", "--format", "{{.State.Pid}}", worker0);
            run(Duration.ofSeconds(10), List.of("kill", "-KILL", pid));
            Awaitility.await("worker 0 restarted")
                    .atMost(UP)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> Integer.parseInt(podman("inspect", "--format", "{{.RestartCount}}", worker0)) >= 1);
            awaitHealthy(worker0);
            step("worker 0 restarted and healthy");
        } finally {
            // Killed first: a graceful stop would wait out each worker's 30 s drain.
            for (String pod : List.of("frontend-pod-0", "worker-pod-0", "worker-pod-1", "etcd")) {
                run(Duration.ofSeconds(30), podmanCommand("pod", "kill", "--signal", "KILL", pod));
            }
            run(Duration.ofSeconds(120), podmanCommand("kube", "down", manifests.toString()));
            step("torn down");
            run(Duration.ofSeconds(30), podmanCommand("network", "rm", "-f", network));
        }
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    private void awaitHealthy(String container) {
        Run[] last = {null};
        try {
            Awaitility.await(container + " healthy")
                    .atMost(UP)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        last[0] = run(Duration.ofSeconds(30), podmanCommand("healthcheck", "run", container));
                        return last[0].exit() == 0;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // What the container was doing, so a failure on another machine can be explained.
            Run state = run(
                    Duration.ofSeconds(30),
                    podmanCommand(
                            "inspect",
                            "--format",
                            "{{.State.Status}} health={{.State.Health.Status}} restarts={{.RestartCount}}"
                                    + " exit={{.State.ExitCode}} error={{.State.Error}}",
                            container));
            Run logs = run(Duration.ofSeconds(30), podmanCommand("logs", "--tail", "40", container));
            System.out.println(container + " never healthy: " + state.output() + "\nlast check: "
                    + (last[0] == null ? "none" : last[0].exit() + " " + last[0].output()) + "\nits log:\n"
                    + logs.output());
            throw e;
        }
    }

    private int chat(String api) throws IOException, InterruptedException {
        String body =
                "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.out.println("chat answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode();
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private List<String> podmanCommand(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs podman; its output without the warnings podman prints on this machine, or a failure. */
    private String podman(String... args) {
        Run run = run(Duration.ofSeconds(300), podmanCommand(args));
        assertEquals(0, run.exit(), "podman " + String.join(" ", args) + ":\n" + run.output());
        return run.output()
                .lines()
                .filter(l -> !l.contains("level=") && !l.contains("syslog"))
                .reduce((a, b) -> a + "\n" + b)
                .orElse("")
                .strip();
    }

    record Run(int exit, String output) {}

    private Run run(Duration limit, List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(podmanEnv);
            Path out = Files.createTempFile("kube-play", ".out");
            builder.redirectOutput(out.toFile());
            Process process = builder.start();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, String.join(" ", command) + ": no end within " + limit);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
