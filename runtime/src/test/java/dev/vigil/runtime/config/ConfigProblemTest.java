package dev.vigil.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigProblemTest {

    @Test
    void aLineNamesTheVariableTheQuotedValueAndWhatIsExpected() {
        assertEquals(
                "Invalid configuration: DYN_SYSTEM_PORT=\"abc\": expected an integer port 0-65535",
                ConfigProblem.line("DYN_SYSTEM_PORT", "abc", "expected an integer port 0-65535"));
        assertEquals(
                "Invalid configuration: DYN_PROBES_FILE=\"/etc/probes.yaml\": cannot read it",
                ConfigProblem.line("DYN_PROBES_FILE", Path.of("/etc/probes.yaml"), "cannot read it"));
    }

    @Test
    void aProblemOfNoSingleValueKeepsThePrefix() {
        assertEquals(
                "Invalid configuration: set DYN_PROBES or DYN_PROBES_FILE, not both",
                ConfigProblem.line("set DYN_PROBES or DYN_PROBES_FILE, not both"));
    }
}
