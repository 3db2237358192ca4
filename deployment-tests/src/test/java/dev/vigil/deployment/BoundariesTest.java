package dev.vigil.deployment;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The dependency arrows of docs/architecture.md, checked on the classes every module compiled (so a
 * fully qualified name counts as much as an import). A broken rule fails the build and lists every
 * offending use with its class, file and line.
 */
class BoundariesTest {

    /**
     * Each app's layering, top to bottom, one row per layer. A package (and its subpackages) may use
     * the packages of its own row and of every row below it, never one above. The app's root package
     * (its {@code main} class) sits above every row. Every package of the app must be listed, so a new
     * package gets placed on purpose.
     *
     * <p>THIS TABLE IS THE APPS' LAYERING, and docs/architecture.md draws it. A row may hold several
     * packages that use each other; today every row holds one. When a change moves a package, change
     * the rows here in the same commit.
     */
    static final Map<String, List<List<String>>> LAYERS = Map.of(
            "frontend",
                    List.of(
                            List.of("api"),
                            List.of("feed"),
                            List.of("health"),
                            List.of("routing"),
                            List.of("load"),
                            List.of("probe"),
                            List.of("model"),
                            List.of("metrics"),
                            List.of("config")),
            "worker",
                    List.of(
                            List.of("lifecycle"),
                            List.of("canary"),
                            List.of("fault"),
                            List.of("drain"),
                            List.of("status"),
                            List.of("endpoint"),
                            List.of("engine"),
                            List.of("metrics"),
                            List.of("admission"),
                            List.of("config")));

    private static final int UNLISTED = Integer.MAX_VALUE;

    static final List<String> MODULES = List.of("health-common", "runtime", "worker", "frontend");

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        List<Path> dirs =
                MODULES.stream().map(m -> Repo.path(m + "/target/classes")).toList();
        for (Path dir : dirs) {
            assertTrue(Files.isDirectory(dir), dir + " missing: build the module first (./mvnw verify)");
        }
        // Only classes whose source still exists: a class file left behind in target/ by a moved or
        // deleted source (a build without 'clean') is not part of the code.
        main = new ClassFileImporter()
                .importPaths(dirs)
                .that(DescribedPredicate.describe(
                        "compiled from a source that exists", c -> source(c).isPresent()));
    }

    @Test
    void healthCommonKnowsNothingOfTheRuntime() {
        check(
                "dev.vigil.health",
                "the runtime: the apps wire runtime events into health state",
                (user, target) -> inPackage(target, "dev.vigil.runtime"));
    }

    @Test
    void theSharedModulesNeverReachIntoTheApps() {
        for (String shared : List.of("dev.vigil.health", "dev.vigil.runtime")) {
            check(
                    shared,
                    "an app",
                    (user, target) -> inPackage(target, "dev.vigil.worker") || inPackage(target, "dev.vigil.frontend"));
        }
    }

    /**
     * Every pool is bounded (the request planes use PlaneExecutor): a cached pool grows a thread
     * per task a client can drive.
     */
    @Test
    void noMainClassMakesAnUnboundedThreadPool() {
        List<String> unbounded = new java.util.ArrayList<>();
        for (JavaClass c : main) {
            c.getMethodCallsFromSelf().stream()
                    .filter(call -> call.getTargetOwner().getName().equals("java.util.concurrent.Executors"))
                    .filter(call -> call.getName().equals("newCachedThreadPool"))
                    .forEach(call -> unbounded.add(call.getDescription()));
        }
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), unbounded);
    }

    /**
     * Vert.x's and Jackson's internals (their {@code impl} and {@code internal} packages, Jackson's
     * underscore methods) change without notice between releases: main code uses their public API.
     */
    @Test
    void noMainClassUsesVertxOrJacksonInternals() {
        check("dev.vigil", "Vert.x or Jackson internals", (user, target) -> internal(target));
        List<String> calls = new java.util.ArrayList<>();
        for (JavaClass c : main) {
            c.getMethodCallsFromSelf().stream()
                    .filter(call -> call.getTargetOwner().getPackageName().startsWith("com.fasterxml.jackson"))
                    .filter(call -> call.getName().startsWith("_"))
                    .forEach(call -> calls.add(call.getDescription()));
        }
        assertEquals(List.of(), calls);
    }

    private static boolean internal(JavaClass target) {
        String pkg = target.getPackageName();
        boolean library = pkg.startsWith("io.vertx.") || pkg.startsWith("com.fasterxml.jackson.");
        return library && (pkg.contains(".impl") || pkg.contains(".internal"));
    }

    /** One home for Jackson mappers (runtime.json.Json: WIRE and STRICT): no class makes its own. */
    @Test
    void objectMappersAreMadeOnlyInJson() {
        List<String> made = new java.util.ArrayList<>();
        for (JavaClass c : main) {
            if (c.getName().equals("dev.vigil.runtime.json.Json")) {
                continue;
            }
            c.getConstructorCallsFromSelf().stream()
                    .filter(call -> call.getTargetOwner().isAssignableTo("com.fasterxml.jackson.databind.ObjectMapper"))
                    .forEach(call -> made.add(call.getDescription()));
            c.getMethodCallsFromSelf().stream()
                    .filter(call ->
                            call.getTargetOwner().getName().equals("com.fasterxml.jackson.databind.json.JsonMapper"))
                    .filter(call -> call.getName().equals("builder"))
                    .forEach(call -> made.add(call.getDescription()));
        }
        assertEquals(List.of(), made);
    }

    /**
     * The registry's own meter factories ({@code registry.counter(...)}, {@code gauge}, {@code timer},
     * {@code summary}, and {@code more()} for the rest), on a {@code MeterRegistry} or the global
     * {@code Metrics}.
     */
    private static final Set<String> METER_FACTORIES =
            Set.of("counter", "gauge", "timer", "summary", "more", "gaugeCollectionSize", "gaugeMapSize");

    /**
     * Meters (their names, tags, descriptions and buckets) are built only in a {@code metrics}
     * package, where the series names are (docs/observability.md, "Naming"): a class elsewhere asks a
     * metrics class for its meters. No class outside one uses a Micrometer builder ({@code
     * Counter.builder}, {@code Gauge.builder}, {@code Timer.builder}, {@code FunctionCounter.builder},
     * {@code DistributionSummary.builder}, every {@code $Builder}) or calls a registry's meter factory.
     * Using a meter that a metrics class built (a {@code Counter}'s {@code increment}) is fine.
     */
    @Test
    void metersAreBuiltOnlyInMetricsPackages() {
        List<String> built = new java.util.ArrayList<>();
        for (JavaClass c : main) {
            if (inMetricsPackage(c)) {
                continue;
            }
            for (Dependency dependency : c.getDirectDependenciesFromSelf()) {
                JavaClass target = dependency.getTargetClass().getBaseComponentType();
                if (target.getPackageName().startsWith("io.micrometer.")
                        && target.getName().endsWith("$Builder")) {
                    built.add(where(dependency) + ": " + dependency.getDescription());
                }
            }
            c.getMethodCallsFromSelf().stream()
                    .filter(call -> meterRegistry(call.getTargetOwner()) && METER_FACTORIES.contains(call.getName()))
                    .forEach(call -> built.add(call.getDescription()));
        }
        assertEquals(List.of(), built, "meters built outside a ..metrics.. package: move them into one");
    }

    /** In a package named {@code metrics}, or below one. */
    private static boolean inMetricsPackage(JavaClass c) {
        return ("." + c.getPackageName() + ".").contains(".metrics.");
    }

    /**
     * A Micrometer registry or the global {@code Metrics}. By name as well as by type: a registry
     * subclass whose hierarchy is not on this module's class path is still one.
     */
    private static boolean meterRegistry(JavaClass owner) {
        if (!owner.getPackageName().startsWith("io.micrometer.")) {
            return false;
        }
        return owner.getName().equals("io.micrometer.core.instrument.Metrics")
                || owner.getSimpleName().endsWith("MeterRegistry")
                || owner.isAssignableTo("io.micrometer.core.instrument.MeterRegistry");
    }

    @Test
    void jetcdStaysInTheEtcdAdapter() {
        check(
                "dev.vigil",
                "jetcd outside runtime.discovery.etcd",
                (user, target) -> inPackage(target, "io.etcd") && !inPackage(user, "dev.vigil.runtime.discovery.etcd"));
    }

    @Test
    void jnatsStaysInTheNatsAdapter() {
        check(
                "dev.vigil",
                "jnats outside runtime.transport.nats",
                (user, target) -> inPackage(target, "io.nats") && !inPackage(user, "dev.vigil.runtime.transport.nats"));
    }

    @Test
    void everyPackageOfTheAppsIsInTheLayering() {
        for (String app : LAYERS.keySet()) {
            Set<String> unlisted = new TreeSet<>();
            for (JavaClass c : main) {
                String layer = topPackage(app, c);
                if (layer != null && row(app, layer) == UNLISTED) {
                    unlisted.add(layer);
                }
            }
            assertEquals(
                    Set.of(),
                    unlisted,
                    "packages of " + app + " missing from BoundariesTest.LAYERS: place each in a row");
        }
    }

    @Test
    void frontendPackagesNeverUseAPackageAboveThem() {
        layering("frontend");
    }

    @Test
    void workerPackagesNeverUseAPackageAboveThem() {
        layering("worker");
    }

    private static void layering(String app) {
        check("dev.vigil." + app, "a package above its own in LAYERS[" + app + "]", (user, target) -> {
            String targetPackage = topPackage(app, target);
            if (targetPackage == null) {
                return false; // outside the app
            }
            int own = row(app, topPackage(app, user));
            int theirs = row(app, targetPackage);
            return own != UNLISTED && theirs != UNLISTED && theirs < own;
        });
    }

    /**
     * Fails, listing each one, every use by a class of {@code users} (a package and its subpackages) of
     * a class that {@code forbidden} rejects.
     */
    private static void check(String users, String what, BiPredicate<JavaClass, JavaClass> forbidden) {
        classes()
                .that()
                .resideInAPackage(users + "..")
                .should(new ArchCondition<JavaClass>("not use " + what) {
                    @Override
                    public void check(JavaClass user, ConditionEvents events) {
                        for (Dependency dependency : user.getDirectDependenciesFromSelf()) {
                            JavaClass target = dependency.getTargetClass().getBaseComponentType();
                            if (forbidden.test(user, target)) {
                                events.add(SimpleConditionEvent.violated(
                                        dependency,
                                        where(dependency) + ": " + user.getPackageName() + " uses " + target.getName()
                                                + " (" + dependency.getDescription() + ")"));
                            }
                        }
                    }
                })
                .check(main);
    }

    private static boolean inPackage(JavaClass c, String pkg) {
        return c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + ".");
    }

    /**
     * {@code module/src/main/java/.../File.java:line} of a use: the line the class file records for it,
     * or, for a field or signature type (which has none), the line that imports or spells out the type.
     */
    private static String where(Dependency dependency) {
        int line = dependency.getSourceCodeLocation().getLineNumber();
        Optional<String> source = source(dependency.getOriginClass());
        if (source.isEmpty()) {
            return dependency.getSourceCodeLocation().toString();
        }
        if (line <= 0) {
            line = lineNaming(
                    Repo.path(source.get()), dependency.getTargetClass().getBaseComponentType());
        }
        return source.get() + ":" + line;
    }

    /** {@code module/src/main/java/.../File.java}, the source {@code c} was compiled from, if it exists. */
    private static Optional<String> source(JavaClass c) {
        Optional<String> file = c.getSource().flatMap(Source::getFileName);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        String relative = "src/main/java/" + c.getPackageName().replace('.', '/') + "/" + file.get();
        return MODULES.stream()
                .map(module -> module + "/" + relative)
                .filter(path -> Files.isRegularFile(Repo.path(path)))
                .findFirst();
    }

    /** The first line of {@code source} naming {@code type}'s outermost class in full (its import); 0 if none. */
    private static int lineNaming(Path source, JavaClass type) {
        String name = type.getName();
        String outermost = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
        try {
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(outermost)) {
                    return i + 1;
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first package below {@code dev.vigil.<app>} that holds {@code c} ({@code ""} for the app's
     * root package), or null when {@code c} is not in the app.
     */
    private static String topPackage(String app, JavaClass c) {
        String root = "dev.vigil." + app;
        String pkg = c.getPackageName();
        if (pkg.equals(root)) {
            return "";
        }
        if (!pkg.startsWith(root + ".")) {
            return null;
        }
        String rest = pkg.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /**
     * The row of {@code layer} in the app's table, 0 at the top; -1 for the root package (above every
     * row); {@link #UNLISTED} for a package missing from the table, which
     * {@link #everyPackageOfTheAppsIsInTheLayering} reports instead.
     */
    private static int row(String app, String layer) {
        if (layer.isEmpty()) {
            return -1;
        }
        List<List<String>> rows = LAYERS.get(app);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).contains(layer)) {
                return i;
            }
        }
        return UNLISTED;
    }
}
