package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The real kustomize ({@code kubectl kustomize}, when kubectl is installed) renders exactly the objects
 * {@link Kustomize} renders, so the schema and consistency checks look at what a cluster would get.
 */
// Per variant: kubectl kustomize gets 60 s.
@Timeout(120)
class KustomizeIT {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static Path kubectl;

    @BeforeAll
    static void findKubectl() {
        kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        assumeTrue(kubectl != null, "kubectl not installed");
    }

    static List<Path> variants() {
        return Manifests.variants();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void kubectlKustomizeRendersTheSameObjects(Path variant) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kustomize", ".yaml");
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", variant.toString())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
            assertEquals(0, process.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
            List<String> expected = canonical(YamlFiles.loadAll(out));
            List<String> actual = canonical(Manifests.render(variant));
            assertEquals(expected, actual, variant.toString());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Each object as sorted JSON, the list sorted: kustomize orders objects by kind, we by file. */
    private static List<String> canonical(List<Map<String, Object>> objects) throws JsonProcessingException {
        List<String> json = new java.util.ArrayList<>();
        for (Map<String, Object> object : objects) {
            json.add(CANONICAL.writeValueAsString(object));
        }
        json.sort(null);
        return json;
    }
}
