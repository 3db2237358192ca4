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
        assertTrue(froms.get(0).endsWith(" AS build"), image + ": first stage is named build");
        String text = String.join("\n", lines);
        assertTrue(
                text.contains("./mvnw ") && text.contains("-pl " + image.module() + " -am"),
                image + " builds its module");
        assertTrue(text.contains("/" + image.module() + "/target/"), image + " copies its module's output");
        String runtimeFrom = froms.get(froms.size() - 1);
        if (image.variant().equals("native")) {
            assertEquals(2, froms.size(), image + ": a build stage and a runtime stage");
            assertTrue(froms.get(0).contains("mandrel-builder-image"), image + " builds with Mandrel");
            assertTrue(text.contains("-Dnative"), image + " builds natively");
            assertTrue(runtimeFrom.contains("quarkus-micro-image"), image + " runs on the micro image");
        } else {
            // build (Maven in a container) or prebuilt (the host's jar), chosen by APP; the runtime
            // on BASE, by default Red Hat's JRE-only image.
            assertEquals(
                    List.of(
                            "FROM ${BUILD_IMAGE} AS build",
                            "FROM scratch AS prebuilt",
                            "FROM ${APP} AS app",
                            "FROM ${BASE}"),
                    froms,
                    image + ": the stages");
            assertTrue(lines.contains("ARG APP=build"), image + " builds in a container unless told otherwise");
            assertTrue(
                    lines.stream().anyMatch(l -> l.startsWith("ARG BASE=") && l.endsWith("-runtime:1.21")),
                    image + " runs on a JRE-only image by default");
            assertTrue(
                    lines.contains("COPY " + image.module() + "/target/quarkus-app/ /build/" + image.module()
                            + "/target/quarkus-app/"),
                    image + ": prebuilt takes the host's fast-jar");
            // No shell in the runtime: java is PID 1, its options come from JDK_JAVA_OPTIONS.
            assertTrue(
                    lines.contains("ENTRYPOINT [\"java\", \"-jar\", \"/deployments/quarkus-run.jar\"]"),
                    image + " entrypoint");
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENV JDK_JAVA_OPTIONS=")), image + " JVM options");
        }
        List<String> check = ComposeFiles.imageHealthCheck(image.dockerfile());
        String[] target = ComposeFiles.httpTarget(check, java.util.Map.of());
        assertTrue(target != null, image + " has an HTTP HEALTHCHECK: " + check);
        String portVariable = image.module().equals("worker") ? EnvNames.DYN_SYSTEM_PORT : EnvNames.DYN_HTTP_PORT;
        assertEquals(
                KnownVariables.effective(java.util.Map.of(), portVariable),
                target[0],
                image + " checks the default port");
        assertEquals("/health", target[1], image + " checks /health");
        assertEquals(
                "4242",
                ComposeFiles.httpTarget(check, java.util.Map.of(portVariable, "4242"))[0],
                image + "'s check follows " + portVariable);
        List<String> runtimeStage = lines.subList(lines.indexOf(runtimeFrom), lines.size());
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
