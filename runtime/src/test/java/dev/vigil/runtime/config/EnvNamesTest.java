package dev.vigil.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Keeps {@link EnvNames} and docs/configuration.md in step: same names, each documented once. */
class EnvNamesTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void namesAreUnique() {
        assertEquals(EnvNames.ALL.size(), new HashSet<>(EnvNames.ALL).size());
    }

    @Test
    void everyNameHasExactlyOneRowInTheConfigurationTable() throws IOException {
        List<String> rows = Files.readAllLines(DOC).stream()
                .filter(l -> l.startsWith("| `"))
                .toList();
        for (String name : EnvNames.ALL) {
            long count =
                    rows.stream().filter(r -> r.startsWith("| `" + name + "`")).count();
            assertEquals(1, count, name + " rows in " + DOC);
        }
    }

    @Test
    void theTableDocumentsNoUnknownVariable() throws IOException {
        Pattern row = Pattern.compile("^\\| `([A-Z0-9_]+)`");
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                assertTrue(EnvNames.ALL.contains(m.group(1)), m.group(1) + " is documented but not in EnvNames");
            }
        }
    }

    /** Every {@code VIGIL_…} name the tools use is one {@link UnknownVariables} knows. */
    @Test
    void everyToolVariableIsKnown() throws IOException {
        Pattern name = Pattern.compile("VIGIL_[A-Z0-9_]+");
        List<Path> sources = new java.util.ArrayList<>(List.of(Path.of("..", "vigil"), Path.of("..", "compose.yaml")));
        for (String dir : List.of("../bench", "../engines", "../containers", "../testing/src/main")) {
            if (Files.isDirectory(Path.of(dir))) {
                try (var files = Files.walk(Path.of(dir))) {
                    files.filter(Files::isRegularFile)
                            .filter(f -> !f.toString().contains("node_modules"))
                            .forEach(sources::add);
                }
            }
        }
        for (Path source : sources) {
            Matcher m =
                    name.matcher(new String(Files.readAllBytes(source), java.nio.charset.StandardCharsets.ISO_8859_1));
            while (m.find()) {
                assertTrue(
                        EnvNames.TOOLS.contains(m.group()),
                        m.group() + " (in " + source + ") is not in EnvNames.TOOLS");
            }
        }
    }
}
