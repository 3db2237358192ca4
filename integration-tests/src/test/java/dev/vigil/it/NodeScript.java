package dev.vigil.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a Node.js script from {@code src/test/js/<name>} with its npm dependencies (installed from
 * the committed package-lock.json into {@code target/}), as a real client would.
 */
final class NodeScript {

    private NodeScript() {}

    /** Whether {@code node} and {@code npm} can be run here (CI installs them; see .ci/run). */
    static boolean available() {
        for (String tool : List.of("node", "npm")) {
            try {
                Process p = new ProcessBuilder(tool, "--version")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * {@code src/test/js/<name>} copied to {@code target/js/<name>} with its npm dependencies installed
     * from the committed package-lock.json; returns that directory.
     */
    static Path install(String name) throws IOException, InterruptedException {
        Path source = Path.of("src", "test", "js", name);
        Path dir = Path.of("target", "js", name);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            exec(dir, 300, "npm", "ci", "--no-audit", "--no-fund");
        }
        return dir;
    }

    /** The script's last line of output; fails with all of it if the script fails. */
    static String run(String name, String script, String... args) throws IOException, InterruptedException {
        Path dir = install(name);
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        String output = exec(dir, 120, command.toArray(String[]::new)).strip();
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    private static String exec(Path dir, int timeoutSecs, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("node", ".log");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = process.waitFor(timeoutSecs, TimeUnit.SECONDS);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        if (!done) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " timed out after " + timeoutSecs + " s:\n" + output);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + process.exitValue() + "):\n" + output);
        }
        return output;
    }
}
