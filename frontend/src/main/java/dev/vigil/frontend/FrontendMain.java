package dev.vigil.frontend;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

import dev.vigil.runtime.lifecycle.Launcher;

/** The frontend process. Bad configuration ends it with one line per problem and exit code 1. */
@QuarkusMain
public class FrontendMain implements QuarkusApplication {

    public static void main(String... args) {
        Launcher.run(FrontendMain.class, args);
    }

    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}
