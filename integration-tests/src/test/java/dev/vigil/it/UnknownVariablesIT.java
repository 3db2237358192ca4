package dev.vigil.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.vigil.runtime.config.EnvNames;
import dev.vigil.testing.Cluster;
import dev.vigil.testing.Processes;

/**
 * One env file for a frontend and its worker, as compose and Kubernetes users write it, with two
 * typos in it: each app warns once about each typo, naming the variable meant, and about nothing
 * else (not about the other app's variables, not about ./vigil's).
 */
@Timeout(120)
class UnknownVariablesIT {

    static final Duration START = Duration.ofSeconds(60);
    static final String PORT_TYPO = "DYN_SYSTEM_PROT is not a Vigil variable; did you mean DYN_SYSTEM_PORT?";
    static final String MODEL_TYPO = "VIGIL_MODLE is not a Vigil variable; did you mean VIGIL_MODEL?";

    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder("unknown-vars")
                .expectingUnknownVariables()
                .env(
                        // The worker's and the frontend's own variables, both in the shared file.
                        EnvNames.DYN_MODEL_NAME,
                        "mock-model",
                        EnvNames.DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
                        "[\"generate\"]",
                        EnvNames.DYN_MIGRATION_LIMIT,
                        "3",
                        EnvNames.DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS,
                        "0",
                        "VIGIL_MODEL",
                        "mock-model",
                        // A literal: the misspelt name (DYN_SYSTEM_PORT's) is the point of this test.
                        "DYN_SYSTEM_PROT",
                        "9345",
                        "VIGIL_MODLE",
                        "mock-model")
                .workers(1)
                .frontend()
                .answerWithin(START)
                .start();
    }

    @AfterAll
    static void stop() {
        Processes.closeAll(cluster);
    }

    @Test
    void eachAppWarnsOnceAboutEachTypoAndAboutNothingElse() {
        for (Cluster.App app : List.of(cluster.worker(0), cluster.frontend())) {
            Awaitility.await(app.name() + " warns")
                    .atMost(START)
                    .until(() -> app.process().output().contains(MODEL_TYPO));
            List<String> warnings = app.process()
                    .output()
                    .lines()
                    .filter(line -> line.contains(" is not a Vigil variable"))
                    .toList();
            assertEquals(2, warnings.size(), app.name() + ": " + warnings);
            assertEquals(1, warnings.stream().filter(w -> w.endsWith(PORT_TYPO)).count(), app + ": " + warnings);
            assertEquals(
                    1, warnings.stream().filter(w -> w.endsWith(MODEL_TYPO)).count(), app + ": " + warnings);
            assertTrue(warnings.get(0).contains("WARN"), warnings.get(0));
        }
    }
}
