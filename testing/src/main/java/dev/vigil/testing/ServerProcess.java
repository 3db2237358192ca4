package dev.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;

/**
 * A third-party server binary (etcd, nats-server) run as a child process on loopback, stopped by PID.
 * It can be killed and started again on the same ports, which is how tests cut and restore it.
 */
abstract class ServerProcess implements AutoCloseable {

    private static final AtomicLong STARTED = new AtomicLong();

    private final String name;
    private final Path log;
    private Process process;

    ServerProcess(String name) {
        this.name = name;
        try {
            Path dir = Path.of("target", "it-logs");
            Files.createDirectories(dir);
            this.log = dir.resolve(name + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code <kind>-<pid>-<n>}: unique among the servers of this JVM and of the test JVMs that share
     * {@code target/it-logs}, so each log file is one server's.
     */
    static String uniqueName(String kind) {
        return kind + "-" + ProcessHandle.current().pid() + "-" + STARTED.incrementAndGet();
    }

    /** The command line; ports are fixed at construction so a restart reuses them. */
    abstract List<String> command();

    /** The port that answers once the server is up. */
    abstract int readinessPort();

    static String binary(String envOverride, String defaultPath, String debianPackage) {
        String path = System.getenv().getOrDefault(envOverride, defaultPath);
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " not found: install the Debian package " + debianPackage
                    + " (apt-get install " + debianPackage + ") or set " + envOverride);
        }
        return path;
    }

    /** Starts the process and waits until its port accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Awaitility.await(name + " listening on " + readinessPort())
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited: " + Files.readString(log));
                    }
                    return accepts(readinessPort());
                });
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** SIGKILL and wait: the server vanishes without a goodbye, like a crashed host. */
    public synchronized void kill() {
        halt(true);
    }

    /** SIGTERM and wait. */
    public synchronized void stop() {
        halt(false);
    }

    private void halt(boolean force) {
        if (process == null) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
