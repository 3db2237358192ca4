package dev.vigil.runtime.lifecycle;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

import sun.misc.Signal;

/**
 * Starts a Vigil app and owns how it ends. A process that cannot start prints why in one line per
 * problem on stderr and exits 1, instead of Quarkus' multi-line stack trace. SIGTERM and SIGINT start
 * a graceful stop (the app's shutdown observers run in order) that ends with exit code 0, or with the
 * code a shutdown step asked for through {@link #exitCodeAtLeast} (a drain that timed out).
 */
public final class Launcher {

    private static volatile int exitCodeFloor;
    private static volatile boolean stopping;

    private Launcher() {}

    public static void run(Class<? extends QuarkusApplication> app, String... args) {
        handle("TERM");
        handle("INT");
        Quarkus.run(
                app,
                (exitCode, failure) -> {
                    if (failure != null) {
                        StartupFailure.describe(failure).forEach(System.err::println);
                        System.err.flush();
                    }
                    int code = failure != null && exitCode == 0 ? 1 : exitCode;
                    System.exit(Math.max(code, exitCodeFloor));
                },
                args);
    }

    /** Makes the process exit with at least {@code code} when it stops. */
    public static void exitCodeAtLeast(int code) {
        exitCodeFloor = Math.max(exitCodeFloor, code);
    }

    /**
     * Without this, the JVM answers SIGTERM by running shutdown hooks and exiting 143, so a clean,
     * drained stop would look like a crash to an orchestrator. A second signal during the stop is
     * ignored, as in Dynamo.
     */
    private static void handle(String signal) {
        Signal.handle(new Signal(signal), s -> {
            if (stopping) {
                return;
            }
            stopping = true;
            if (ApplicationLifecycleManager.getCurrentApplication() == null) {
                System.exit(128 + s.getNumber()); // still starting: nothing to drain
            }
            Quarkus.asyncExit(0);
        });
    }
}
