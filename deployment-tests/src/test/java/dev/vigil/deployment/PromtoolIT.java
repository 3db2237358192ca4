package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.testing.TestTools;

/**
 * Prometheus' own checks of {@code observability/prometheus}: the alert rules parse, their unit
 * tests ({@code alerts.test.yml}) pass, and compose's Prometheus configuration is valid. Needs
 * promtool (Debian: {@code apt-get install prometheus}; {@code .ci/run} installs it).
 */
@Timeout(120)
class PromtoolIT {

    static final Path DIR = Repo.path("observability/prometheus");
    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        TestTools.assumeInstalled(
                promtool != null,
                "promtool not installed (Debian: apt-get install prometheus): alert rules and their tests not checked");
    }

    static String run(Path dir, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("promtool", ".out");
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        String output = Files.readString(out);
        assertEquals(0, process.exitValue(), "promtool " + String.join(" ", args) + ":\n" + output);
        return output;
    }

    @Test
    void theAlertRulesAreValid() throws Exception {
        run(DIR, "check", "rules", "alerts.yml");
    }

    @Test
    void everyAlertFiresAndClearsInItsUnitTests() throws Exception {
        run(DIR, "test", "rules", "alerts.test.yml");
    }

    @Test
    void composesPrometheusConfigurationIsValid() throws Exception {
        // The configuration names the rules where compose mounts them; check it beside a copy.
        Path dir = Files.createTempDirectory("prometheus");
        Files.writeString(
                dir.resolve("prometheus.yml"),
                Files.readString(DIR.resolve("prometheus.yml")).replace("/etc/prometheus/alerts.yml", "alerts.yml"));
        Files.copy(DIR.resolve("alerts.yml"), dir.resolve("alerts.yml"));
        run(dir, "check", "config", "prometheus.yml");
    }
}
