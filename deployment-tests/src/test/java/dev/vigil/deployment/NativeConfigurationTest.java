package dev.vigil.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the apps' native build configuration produced, read from the output of the {@code
 * native-configuration} build step ({@code <app>/target/native-check/native-sources}: every native
 * build step but the {@code native-image} call, docs/native.md). Quarkus itself failed the build
 * already if it rejected the configuration; this checks that the configuration says what a native
 * executable needs at run time, which no build step would notice.
 */
class NativeConfigurationTest {

    /** Classes that hold a Random or a thread pool and so must not be initialised at build time. */
    private static final Set<String> RUN_TIME_INITIALIZED = Set.of(
            "io.nats.client.support.RandomUtils",
            "io.nats.client.NUID",
            "dev.vigil.runtime.discovery.mem.InMemoryDiscovery",
            "dev.vigil.runtime.transport.local.LocalRequestPlane");

    private static final String VOCABULARY = "com/knuddels/jtokkit/cl100k_base.tiktoken";
    /** The mock engine's words (GrammarModel), read from the worker's own jar. */
    private static final String GRAMMAR_WORDS = "dev/vigil/worker/engine/grammar-words.txt";

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void onlyWhenTheCheckRan() {
        assumeFalse(
                Boolean.getBoolean("vigil.native-check.skip"),
                "native configuration check skipped (-Dnative or -Dvigil.native-check.skip)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "frontend"})
    void classesWithRandomStateStartAtRunTimeAndExist(String app) throws IOException {
        Path sources = sources(app);
        List<String> args = Arrays.asList(
                Files.readString(sources.resolve("native-image.args")).split("\\s+"));
        List<String> runTime = args.stream()
                .filter(a -> a.startsWith("--initialize-at-run-time="))
                .flatMap(a -> Arrays.stream(a.substring(a.indexOf('=') + 1).split(",")))
                .toList();
        assertTrue(runTime.containsAll(RUN_TIME_INITIALIZED), app + ": " + runTime);
        // native-image accepts a misspelt class name here without a word; check each one exists.
        Set<String> classes = classFiles(sources);
        for (String name : runTime) {
            assertTrue(classes.contains(name.replace('.', '/') + ".class"), app + ": no class " + name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "frontend"})
    void theTokenizerVocabularyIsIncluded(String app) throws IOException {
        Path sources = sources(app);
        JsonNode config = fromRunner(sources, "META-INF/native-image/resource-config.json");
        List<Pattern> patterns = new ArrayList<>();
        config.path("resources")
                .path("includes")
                .forEach(p -> patterns.add(Pattern.compile(p.path("pattern").asText())));
        assertTrue(patterns.stream().anyMatch(p -> p.matcher(VOCABULARY).matches()), app + ": " + patterns);
        assertTrue(jars(sources).anyMatch(jar -> contains(jar, VOCABULARY)), app + ": no jar holds " + VOCABULARY);
    }

    @Test
    void theMockEngineWordsAreIncludedInTheWorker() throws IOException {
        Path sources = sources("worker");
        JsonNode config = fromRunner(sources, "META-INF/native-image/resource-config.json");
        List<Pattern> patterns = new ArrayList<>();
        config.path("resources")
                .path("includes")
                .forEach(p -> patterns.add(Pattern.compile(p.path("pattern").asText())));
        assertTrue(patterns.stream().anyMatch(p -> p.matcher(GRAMMAR_WORDS).matches()), "worker: " + patterns);
        assertTrue(
                jars(sources).anyMatch(jar -> contains(jar, GRAMMAR_WORDS)), "worker: no jar holds " + GRAMMAR_WORDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "frontend"})
    void jacksonRecordsAndEtcdMessagesAreRegisteredForReflection(String app)
            throws IOException, ClassNotFoundException {
        Map<String, JsonNode> reflective = new HashMap<>();
        fromRunner(sources(app), "META-INF/native-image/reflect-config.json")
                .forEach(entry -> reflective.put(entry.path("name").asText(), entry));
        List<String> records = protocolRecords();
        assertTrue(records.size() >= 5, "protocol records found: " + records);
        for (String record : records) {
            JsonNode entry = reflective.get(record);
            assertTrue(entry != null, app + ": " + record + " is not registered for reflection");
            assertTrue(entry.path("allDeclaredConstructors").asBoolean(), app + ": " + record + " constructors");
            assertTrue(entry.path("allDeclaredMethods").asBoolean(), app + ": " + record + " accessors");
        }
        // quarkus-grpc-common registers the protobuf messages of the indexed jetcd-grpc jar.
        for (String message : List.of("io.etcd.jetcd.api.KeyValue", "io.etcd.jetcd.api.LeaseGrantResponse")) {
            assertTrue(reflective.containsKey(message), app + ": " + message);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "frontend"})
    void aGraalVmMachineCanFinishTheBuild(String app) throws IOException {
        Path sources = sources(app);
        assertTrue(Files.isRegularFile(sources.resolve("graalvm.version")));
        String args = Files.readString(sources.resolve("native-image.args"));
        assertTrue(args.contains("-jar vigil-" + app + "-"), app + ": " + args);
        assertEquals(
                1,
                Files.list(sources)
                        .filter(p -> p.toString().endsWith("-runner.jar"))
                        .count());
    }

    /** Every record of dev.vigil.runtime.protocol, found in the runtime's classes. */
    private static List<String> protocolRecords() throws ClassNotFoundException, IOException {
        Path dir = Repo.path("runtime/target/classes/dev/vigil/runtime/protocol");
        List<String> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = "dev.vigil.runtime.protocol."
                        + file.getFileName().toString().replace(".class", "");
                if (Class.forName(name).isRecord()) {
                    records.add(name);
                }
            }
        }
        return records;
    }

    private static Path sources(String app) {
        Path sources = Repo.path(app + "/target/native-check/native-sources");
        assertTrue(Files.isDirectory(sources), sources + " missing: the native-configuration build step did not run");
        return sources;
    }

    private static JsonNode fromRunner(Path sources, String entry) throws IOException {
        Path runner;
        try (Stream<Path> files = Files.list(sources)) {
            runner = files.filter(p -> p.toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow();
        }
        try (ZipFile zip = new ZipFile(runner.toFile());
                InputStream in = zip.getInputStream(zip.getEntry(entry))) {
            return JSON.readTree(in);
        }
    }

    private static Stream<Path> jars(Path sources) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(sources)) {
            walk.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
        }
        return jars.stream();
    }

    private static Set<String> classFiles(Path sources) throws IOException {
        Set<String> classes = new java.util.HashSet<>();
        for (Path jar : jars(sources).toList()) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.stream().map(java.util.zip.ZipEntry::getName).forEach(classes::add);
            }
        }
        return classes;
    }

    private static boolean contains(Path jar, String entry) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(entry) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
