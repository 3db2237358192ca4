package dev.vigil.runtime.lifecycle;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/**
 * Starts a Vigil app. A process that cannot start prints why in one line per problem on stderr and
 * exits non-zero, instead of Quarkus' multi-line stack trace.
 */
public final class Launcher {

    private Launcher() {}

    public static void run(Class<? extends QuarkusApplication> app, String... args) {
        Quarkus.run(
                app,
                (exitCode, failure) -> {
                    if (failure != null) {
                        StartupFailure.describe(failure).forEach(System.err::println);
                        System.err.flush();
                    }
                    System.exit(failure != null && exitCode == 0 ? 1 : exitCode);
                },
                args);
    }
}
