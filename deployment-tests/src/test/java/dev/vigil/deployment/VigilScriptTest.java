package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vigil test}, the README's test command, as a user meets it: its help, and its one-line
 * answer when a package is missing and cannot be installed. (That it installs and passes on a fresh
 * machine is what CI's run of it shows.) CI's {@code .ci/run} runs it and nothing else.
 */
@Timeout(60)
class VigilScriptTest {

    record Run(int exit, String output) {}

    static Run vigil(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command =
                new java.util.ArrayList<>(List.of("bash", Repo.path("vigil").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "vigil " + String.join(" ", args) + " did not end");
        return new Run(process.exitValue(), output);
    }

    /** Fills {@code bin}, a PATH of its own, with links to just these tools of the system's. */
    static void linkTools(Path bin, String... tools) throws IOException {
        for (String tool : tools) {
            Path target = Stream.of("/usr/bin/", "/bin/")
                    .map(dir -> Path.of(dir + tool))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " not found"));
            Files.createSymbolicLink(bin.resolve(tool), target.toRealPath());
        }
    }

    @Test
    void helpNamesEveryPackageItInstallsAndTheMavenCommand() throws Exception {
        Run run = vigil(Map.of(), "test", "--help");
        assertEquals(0, run.exit(), run.output());
        for (String word : List.of(
                "etcd-server",
                "nats-server",
                "prometheus",
                "nodejs",
                "./mvnw -B verify",
                "VIGIL_TEST_TOOLS=required")) {
            assertTrue(run.output().contains(word), word + " in:\n" + run.output());
        }
    }

    @Test
    void aMissingPackageWithoutAptGetIsOneClearLineAndExit1(@TempDir Path bin) throws Exception {
        // A PATH with what the script needs but no apt-get, and an etcd that is not there.
        linkTools(bin, "java", "sed", "cut", "tr", "id", "dirname", "mkdir", "cat");
        Run run = vigil(Map.of("PATH", bin.toString(), "VIGIL_ETCD_BIN", "/nonexistent/etcd"), "test");
        assertEquals(1, run.exit(), run.output());
        List<String> lines = run.output().lines().toList();
        assertEquals(1, lines.size(), run.output());
        assertTrue(lines.get(0).startsWith("vigil: missing etcd-server"), lines.get(0));
        assertTrue(lines.get(0).contains("no apt-get here"), lines.get(0));
    }

    @Test
    void containersWithoutPodmanNamesWhatIsMissingInOneLine(@TempDir Path bin) throws Exception {
        // What the script needs to get as far as its checks, and none of podman's tools.
        linkTools(bin, "dirname", "grep", "mkdir");
        Run run = vigil(Map.of("PATH", bin.toString()), "containers");
        assertEquals(1, run.exit(), run.output());
        List<String> lines = run.output().lines().toList();
        assertEquals(1, lines.size(), run.output());
        assertTrue(lines.get(0).startsWith("vigil containers: missing podman podman-compose"), lines.get(0));
        assertTrue(lines.get(0).contains("apt-get install podman podman-compose"), lines.get(0));
    }

    @Test
    void ciRunsTheReadmeTestCommandAndNothingElse() {
        String readme = Repo.read("README.md");
        assertTrue(readme.contains("```bash\n./vigil test\n```"), "README gives ./vigil test");
        List<String> commands = Repo.read(".ci/run")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertEquals(List.of("set -euo pipefail", "cd \"$(dirname \"$0\")/..\"", "exec ./vigil test"), commands);
    }
}
