package dev.vigil.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigProblemTest {

    @Test
    void aLineNamesTheVariableTheQuotedValueAndWhatIsExpected() {
        assertEquals(
                "Invalid configuration: DYN_SYSTEM_PORT=\"abc\": expected an integer port 0-65535",
                ConfigProblem.line(EnvNames.DYN_SYSTEM_PORT, "abc", "expected an integer port 0-65535"));
        assertEquals(
                "Invalid configuration: DYN_PROBES_FILE=\"/etc/probes.yaml\": cannot read it",
                ConfigProblem.line(EnvNames.DYN_PROBES_FILE, Path.of("/etc/probes.yaml"), "cannot read it"));
    }

    @Test
    void aProblemOfNoSingleValueKeepsThePrefix() {
        assertEquals(
                "Invalid configuration: set DYN_PROBES or DYN_PROBES_FILE, not both",
                ConfigProblem.line("set DYN_PROBES or DYN_PROBES_FILE, not both"));
    }

    @Test
    void aQuotedMessageIsCutToItsFirstLine() {
        assertEquals(
                "mapping values are not allowed here",
                ConfigProblem.firstLine("mapping values are not allowed here\n in 'reader', line 1, column 7:\n"));
        assertEquals("expected 'true' or 'false'", ConfigProblem.firstLine("\n  expected 'true' or 'false'  \r\nmore"));
        assertEquals("one line", ConfigProblem.firstLine("one line"));
        assertEquals("", ConfigProblem.firstLine(" \n "));
        assertEquals("unreadable", ConfigProblem.firstLine(null));
    }
}
