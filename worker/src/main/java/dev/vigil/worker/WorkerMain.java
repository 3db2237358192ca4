package dev.vigil.worker;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

import dev.vigil.runtime.lifecycle.Launcher;

/** The worker process. Bad configuration ends it with one line per problem and exit code 1. */
@QuarkusMain
public class WorkerMain implements QuarkusApplication {

    public static void main(String... args) {
        Launcher.run(WorkerMain.class, args);
    }

    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}
