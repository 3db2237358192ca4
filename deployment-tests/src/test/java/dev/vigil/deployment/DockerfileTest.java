package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.vigil.runtime.config.EnvNames;

/** Each app's Dockerfiles build that app, in two stages, and run it as a non-root user. */
class DockerfileTest {

    static Stream<Images.Image> images() {
        return Stream.of("worker", "frontend")
                .flatMap(module -> Stream.of("jvm", "native").map(variant -> new Images.Image(module, variant)));
    }

    @ParameterizedTest
    @MethodSource("images")
    void buildsItsOwnModuleInABuildStageAndRunsItInAMinimalOne(Images.Image image) {
        String relative = Repo.ROOT.relativize(image.dockerfile()).toString();
        List<String> lines = Arrays.stream(Repo.read(relative).split("\n"))
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, froms.size(), image + ": a build stage and a runtime stage");
        assertTrue(froms.get(0).endsWith(" AS build"), image + ": first stage is named build");
        String text = String.join("\n", lines);
        assertTrue(
                text.contains("./mvnw ") && text.contains("-pl " + image.module() + " -am"),
                image + " builds its module");
        assertTrue(text.contains("/" + image.module() + "/target/"), image + " copies its module's output");
        if (image.variant().equals("native")) {
            assertTrue(froms.get(0).contains("mandrel-builder-image"), image + " builds with Mandrel");
            assertTrue(text.contains("-Dnative"), image + " builds natively");
            assertTrue(froms.get(1).contains("quarkus-micro-image"), image + " runs on the micro image");
        } else {
            assertTrue(froms.get(1).contains("-runtime"), image + " runs on a JRE-only image");
        }
        List<String> runtimeStage = lines.subList(lines.indexOf(froms.get(1)), lines.size());
        List<String> users =
                runtimeStage.stream().filter(l -> l.startsWith("USER ")).toList();
        assertFalse(users.isEmpty(), image + " sets a user in the runtime stage");
        String user = users.get(users.size() - 1).substring(5).strip();
        assertFalse(List.of("root", "0").contains(user), image + " runs as root");
        // The listen address and port belong to the DYN_* variables; -Dquarkus.http.* would win over them.
        assertFalse(text.contains("quarkus.http."), image + " overrides the DYN_* listen settings");
        String port = KnownVariables.effective(
                java.util.Map.of(),
                image.module().equals("worker") ? EnvNames.DYN_SYSTEM_PORT : EnvNames.DYN_HTTP_PORT);
        assertTrue(runtimeStage.contains("EXPOSE " + port), image + " exposes the default port " + port);
    }

    @Test
    void theBuildContextLeavesOutBuildOutputAndGit() {
        List<String> ignored = Arrays.asList(Repo.read(".dockerignore").split("\n"));
        assertTrue(ignored.contains("**/target/"));
        assertTrue(ignored.contains(".git"));
    }
}
