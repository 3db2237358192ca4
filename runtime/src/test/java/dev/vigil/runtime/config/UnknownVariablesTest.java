package dev.vigil.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

// The names here stay literals where the test's point is a misspelt or unknown name (not in EnvNames).
class UnknownVariablesTest {

    @Test
    void aMisspeltVariableIsNamedWithTheOneMeant() {
        assertEquals(
                List.of("DYN_SYSTEM_PROT is not a Vigil variable; did you mean DYN_SYSTEM_PORT?"),
                UnknownVariables.warnings(Map.of("DYN_SYSTEM_PROT", "9090")));
    }

    @Test
    void aNameFarFromEveryKnownOneIsSaidToBeIgnored() {
        assertEquals(
                List.of("DYN_LOGGING_JSONL is not a Vigil variable; it is ignored"),
                UnknownVariables.warnings(Map.of("DYN_LOGGING_JSONL", "1")));
    }

    @Test
    void knownNamesOfEitherAppAndOfTheToolsAndOtherPrefixesAreNotWarnedAbout() {
        assertEquals(
                List.of(),
                UnknownVariables.warnings(Map.of(
                        EnvNames.DYN_SYSTEM_PORT,
                        "9090", // the worker's
                        EnvNames.DYN_HTTP_PORT,
                        "8000", // the frontend's
                        "VIGIL_MODEL",
                        "m", // ./vigil's
                        EnvNames.ETCD_ENDPOINTS,
                        "http://127.0.0.1:2379",
                        "PATH",
                        "/usr/bin",
                        "DYNAMO_HOME",
                        "/opt")));
    }

    @Test
    void oneWarningPerUnknownNameInNameOrder() {
        assertEquals(
                List.of(
                        "DYN_MIGRATION_LIMT is not a Vigil variable; did you mean DYN_MIGRATION_LIMIT?",
                        "VIGIL_MODLE is not a Vigil variable; did you mean VIGIL_MODEL?"),
                UnknownVariables.warnings(Map.of("VIGIL_MODLE", "m", "DYN_MIGRATION_LIMT", "3")));
    }

    @Test
    void swappedLettersAreOneEdit() {
        // Literals: the pair spelled out, one letter pair swapped, is what is measured.
        assertEquals(1, UnknownVariables.distance("DYN_SYSTEM_PORT", "DYN_SYSTEM_PROT"));
        assertEquals(0, UnknownVariables.distance("A", "A"));
        assertEquals(3, UnknownVariables.distance("", "ABC"));
    }
}
