package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A packaged Vigil app ({@code quarkus-run.jar}, or its native executable) running as its own process,
 * with the environment a user would give it. Output goes to {@code target/it-logs/<name>.log}.
 * Stopped by PID: {@link #stop()} sends SIGTERM, {@link #kill()} SIGKILL; {@link #close()} makes sure
 * nothing outlives the test.
 *
 * <p>An app warns at start-up about every {@code DYN_…}/{@code VIGIL_…} variable it does not know (a
 * typo, or a name renamed since the test was written); {@link #awaitHttp} fails the test on such a
 * warning, so no test can go on setting a variable nobody reads, unless it says it means to ({@link
 * #expectingUnknownVariables()}).
 *
 * <p>The system properties {@code vigil.worker.binary} and {@code vigil.frontend.binary} name native
 * executables to run instead of the jars (docs/native.md), so the same tests check both builds.
 */
public final class AppProcess implements AutoCloseable {

    private static final Path LOGS = Path.of("target", "it-logs");
    /** What the apps' warning about an unknown variable says (UnknownVariables in the runtime). */
    static final String UNKNOWN_VARIABLE = " is not a Vigil variable";

    private final String name;
    private final Process process;
    private final Path log;
    private volatile boolean unknownVariablesExpected;

    private AppProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The worker built by the reactor: its jar, or the native executable named by {@code vigil.worker.binary}. */
    public static Path workerJar() {
        return app("worker");
    }

    /** The frontend built by the reactor: its jar, or the native executable named by {@code vigil.frontend.binary}. */
    public static Path frontendJar() {
        return app("frontend");
    }

    private static Path app(String module) {
        String binary = System.getProperty("vigil." + module + ".binary", "");
        if (!binary.isBlank()) {
            Path executable = Path.of(binary);
            assertTrue(Files.isExecutable(executable), "native " + module + " missing at " + executable);
            return executable;
        }
        Path jar = Path.of(
                System.getProperty("vigil." + module + ".jar", "../" + module + "/target/quarkus-app/quarkus-run.jar"));
        assertTrue(Files.isRegularFile(jar), "packaged " + module + " missing at " + jar + "; run ./mvnw verify");
        return jar;
    }

    /**
     * {@code java -jar} for a jar, the executable itself otherwise; both take the same heap limit. A
     * jar's JVM also takes the options in the system property {@code vigil.it.jvm-options} (set in
     * integration-tests/pom.xml), which shape its JIT and GC for short runs on a small machine.
     */
    private static List<String> command(Path app) {
        if (app.getFileName().toString().endsWith(".jar")) {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
            command.addAll(jvmOptions());
            command.addAll(List.of("-jar", app.toString()));
            return command;
        }
        return List.of(app.toAbsolutePath().toString(), "-Xmx256m");
    }

    static List<String> jvmOptions() {
        String options = System.getProperty("vigil.it.jvm-options", "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    public static AppProcess start(String name, Path jar, Map<String, String> env) {
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(name + ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command(jar)).redirectErrorStream(true).redirectOutput(log.toFile());
            // Nothing from the developer's shell leaks in: each test states the variables it means.
            builder.environment().keySet().removeIf(k -> k.startsWith("DYN_") || k.startsWith("QUARKUS_"));
            builder.environment().putAll(env);
            return new AppProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    /** This app is started with an unknown variable on purpose (a test of the warning itself). */
    public AppProcess expectingUnknownVariables() {
        unknownVariablesExpected = true;
        return this;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until {@code url} answers any HTTP status, or fails with the app's log. */
    public AppProcess awaitHttp(String url, Duration atMost) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        Awaitility.await(name + " answering " + url)
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + output());
                    }
                    try {
                        client.send(
                                HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
        assertKnowsEveryVariable();
        return this;
    }

    /**
     * Fails if the app warned that it was given a variable it does not read: the test sets a name
     * that is misspelt or was renamed, and so tests nothing.
     */
    private void assertKnowsEveryVariable() {
        if (unknownVariablesExpected) {
            return;
        }
        String out = output();
        int at = out.indexOf(UNKNOWN_VARIABLE);
        if (at >= 0) {
            int from = out.lastIndexOf('\n', at) + 1;
            int to = out.indexOf('\n', at);
            throw new AssertionError(name + " was started with a variable no Vigil app reads: "
                    + out.substring(from, to < 0 ? out.length() : to));
        }
    }

    /** Waits for the process to end by itself and returns its exit code. */
    public int awaitExit(Duration atMost) {
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + atMost + ":\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM, as an orchestrator stops a pod. */
    public void stop() {
        process.destroy();
    }

    /** SIGKILL: the process dies without running any shutdown code. */
    public void kill() {
        process.destroyForcibly();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
