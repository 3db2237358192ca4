package dev.vigil.worker.engine.openai;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import dev.vigil.runtime.time.Clock;

/**
 * The engine process the worker started ({@code DYN_ENGINE_COMMAND}), run by {@code /bin/sh -c} with
 * the worker's environment and output. Its exit, unless the worker asked for it, is reported once:
 * the worker cannot serve without it. Stopping sends SIGTERM to it and to every process it started
 * (a shell wrapper would not pass the signal on), waits a bounded time for it to finish its own
 * shutdown, and only then kills it.
 */
final class ChildEngine {

    private static final Logger LOG = Logger.getLogger(ChildEngine.class);

    private final String command;
    private final Duration stopTimeout;
    private final Clock clock;
    private Process process;
    private volatile boolean stopping;

    /** @param clock measures the wait for the process tree to stop */
    ChildEngine(String command, Duration stopTimeout, Clock clock) {
        this.command = command;
        this.stopTimeout = stopTimeout;
        this.clock = clock;
    }

    /** Starts the process; {@code onExit} hears its exit code if it ends before {@link #stop()}. */
    synchronized void start(IntConsumer onExit) throws IOException {
        process = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                .inheritIO()
                .start();
        LOG.infof("Started the engine process (pid %d)", process.pid());
        process.onExit().thenAccept(p -> {
            if (!stopping) {
                LOG.errorf("Engine process (pid %d) exited with code %d", p.pid(), p.exitValue());
                onExit.accept(p.exitValue());
            }
        });
    }

    /** SIGTERM, a bounded wait, then SIGKILL for what is left. */
    synchronized void stop() {
        stopping = true;
        if (process == null || !process.isAlive()) {
            return;
        }
        LOG.infof("Stopping the engine process (pid %d), waiting up to %d s", process.pid(), stopTimeout.toSeconds());
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        // The shell may be gone at once while the engine it started still shuts down: wait for all.
        long deadline = clock.nanoTime() + stopTimeout.toNanos();
        List<ProcessHandle> all = new java.util.ArrayList<>(tree);
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warnf(
                        "Engine process (pid %d) did not stop within %d s; killing it",
                        handle.pid(), stopTimeout.toSeconds());
                break;
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        } else {
            LOG.infof("Engine process exited with code %d", process.exitValue());
        }
    }
}
