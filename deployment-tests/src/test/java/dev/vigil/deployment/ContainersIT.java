package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.testing.FreePort;
import dev.vigil.testing.TestTools;

/**
 * {@code ./vigil containers} for real, where podman is installed: the images are built from the
 * Containerfiles on locally made bases, compose.yaml comes up in podman containers, a chat request is
 * answered, a SIGKILLed worker container is routed around (every request after the kill answered), and
 * everything is torn down. Host ports are this test's own free ones and the compose project its own,
 * so a cluster the user runs is not touched.
 */
// Images (~10 s from packaged jars), four containers to healthy (~15 s), the kill and the frontend
// dropping the worker (its etcd lease, 10 s), teardown (the workers' 30 s drain is cut by down's stop).
@Timeout(600)
class ContainersIT {

    @Test
    void vigilContainersBuildsRunsRoutesAroundAKilledWorkerAndTearsDown() throws Exception {
        TestTools.assumeInstalled(
                onPath("podman") && onPath("podman-compose"),
                "podman or podman-compose not installed (Debian: apt-get install podman podman-compose aardvark-dns"
                        + " iptables runc): ./vigil containers not run");
        String project = "vigil-it-" + ProcessHandle.current().pid();
        Path log = Files.createTempFile("vigil-containers", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", Repo.path("vigil").toString(), "containers")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("VIGIL_CONTAINERS_PROJECT", project);
        builder.environment().put("VIGIL_FRONTEND_PORT", String.valueOf(FreePort.next()));
        builder.environment().put("VIGIL_WORKER_PORT", String.valueOf(FreePort.next()));
        builder.environment().put("VIGIL_WORKER2_PORT", String.valueOf(FreePort.next()));
        Process process = builder.start();
        boolean ended = process.waitFor(540, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertTrue(ended, "./vigil containers did not end within 540 s:\n" + output);
        assertEquals(0, process.exitValue(), output);
        for (String step : List.of(
                "etcd: healthy",
                "worker-1: healthy",
                "worker-2: healthy",
                "frontend: healthy",
                "chat: 200",
                "worker-1: SIGKILLed",
                "after the kill: 20/20 chat requests answered 200",
                "frontend /health lists 1 worker",
                "containers: all steps passed")) {
            assertTrue(output.contains(step), "'" + step + "' in:\n" + output);
        }
        assertEquals("", containersOf(project), "everything of " + project + " is torn down");
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** The names of the containers podman still has for the compose project, one per line. */
    private static String containersOf(String project) throws IOException, InterruptedException {
        Process ps = new ProcessBuilder(
                        "podman",
                        "ps",
                        "-a",
                        "--filter",
                        "label=io.podman.compose.project=" + project,
                        "--format",
                        "{{.Names}}")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String names = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(ps.waitFor(30, TimeUnit.SECONDS), "podman ps did not end");
        return names;
    }
}
