package dev.vigil.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vigil.runtime.config.DecimalConverter;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.runtime.config.NonNegativeIntConverter;
import dev.vigil.runtime.config.PositiveIntConverter;
import dev.vigil.runtime.lifecycle.StartupFailure;
import dev.vigil.testing.ConfigMappings;
import dev.vigil.worker.config.MockerConfig;

/** The DYN_MOCKER_* variables: names, defaults, and what a bad value is told. */
class MockerConfigTest {

    static MockerConfig fromEnvironment(Map<String, String> env) {
        return ConfigMappings.fromEnvironment(MockerConfig.class, env);
    }

    @Test
    void theDefaultsAreTheSettingsDefaults() {
        assertEquals(MockerSettings.defaults(), MockerSettings.from(fromEnvironment(Map.of())));
    }

    @Test
    void everyVariableIsRead() {
        MockerConfig config = fromEnvironment(Map.of(
                EnvNames.DYN_MOCKER_ITL_MS, "0",
                EnvNames.DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS, "0",
                EnvNames.DYN_MOCKER_SPEEDUP_RATIO, "2.5",
                EnvNames.DYN_MOCKER_NUM_BLOCKS, "1",
                EnvNames.DYN_MOCKER_BLOCK_SIZE, "64",
                EnvNames.DYN_MOCKER_MAX_NUM_SEQS, "3",
                EnvNames.DYN_MOCKER_STARTUP_DELAY_MS, "1500"));
        assertEquals(new MockerSettings(0, 0, 2.5, 1, 64, 3, 1500), MockerSettings.from(config));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "DYN_MOCKER_ITL_MS|abc|expected an integer 0 or greater, such as 10",
                "DYN_MOCKER_ITL_MS|-1|expected an integer 0 or greater, such as 10",
                "DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS|5.5|expected an integer 0 or greater, such as 10",
                "DYN_MOCKER_STARTUP_DELAY_MS|-100|expected an integer 0 or greater, such as 10",
                "DYN_MOCKER_SPEEDUP_RATIO|0|expected a number greater than 0, such as 1 or 2.5",
                "DYN_MOCKER_SPEEDUP_RATIO|fast|expected a number greater than 0, such as 1 or 2.5",
                "DYN_MOCKER_NUM_BLOCKS|0|expected an integer 1 or greater, such as 16",
                "DYN_MOCKER_BLOCK_SIZE|-16|expected an integer 1 or greater, such as 16",
                "DYN_MOCKER_MAX_NUM_SEQS|many|expected an integer 1 or greater, such as 16"
            })
    void aBadValueNamesTheVariableAndWhatIsExpected(String variable, String value, String expected) {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> fromEnvironment(Map.of(variable, value)));
        assertEquals(
                List.of("Invalid configuration: " + variable + "=\"" + value + "\": " + expected),
                StartupFailure.describe(failure));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1.5", "+3", "0x10", " ", "99999999999"})
    void nonNegativeIntegersRejectTheRest(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new NonNegativeIntConverter().convert(value));
        assertEquals("expected an integer 0 or greater, such as 10", e.getMessage());
    }

    @Test
    void nonNegativeIntegersIncludeZero() {
        assertEquals(0, new NonNegativeIntConverter().convert("0"));
        assertEquals(250, new NonNegativeIntConverter().convert(" 250 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "abc", "-4", "2.0", "00"})
    void positiveIntegersRejectZeroAndTheRest(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new PositiveIntConverter().convert(value));
        assertEquals("expected an integer 1 or greater, such as 16", e.getMessage());
    }

    @Test
    void positiveIntegersFromOne() {
        assertEquals(1, new PositiveIntConverter().convert("1"));
        assertEquals(16384, new PositiveIntConverter().convert("16384"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "-1", "abc", "NaN", "Infinity", "1e3", "2d", "0x1p3", "1.", ""})
    void positiveDecimalsRejectZeroAndOddSpellings(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> new DecimalConverter.Positive().convert(value));
        assertEquals("expected a number greater than 0, such as 1 or 2.5", e.getMessage());
    }

    @Test
    void positiveDecimalsMayBeFractional() {
        assertEquals(0.5, new DecimalConverter.Positive().convert("0.5"));
        assertEquals(0.25, new DecimalConverter.Positive().convert(".25"));
        assertEquals(10.0, new DecimalConverter.Positive().convert("10"));
    }

    @Test
    void settingsRejectWhatTheConvertersReject() {
        assertThrows(IllegalArgumentException.class, () -> new MockerSettings(-1, 0, 1, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MockerSettings(0, 0, 0, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MockerSettings(0, 0, Double.NaN, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MockerSettings(0, 0, 1, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MockerSettings(0, 0, 1, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MockerSettings(0, 0, 1, 1, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new MockerSettings(0, 0, 1, 1, 1, 1, -1));
    }

    @Test
    void delaysAreDividedByTheSpeedup() {
        MockerSettings settings = new MockerSettings(10, 50, 2, 1, 1, 1, 1000);
        assertEquals(5_000_000L, settings.itlNanos());
        assertEquals(50_000_000L, settings.prefillNanos(2000), "2000 tokens at 50 ms per 1000, halved");
        assertEquals(500_000_000L, settings.startupDelayNanos());
    }
}
