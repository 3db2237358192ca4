package dev.vigil.runtime.config;

import static dev.vigil.runtime.config.Durations.Spelling.WHOLE_SECONDS;
import static dev.vigil.runtime.config.Durations.Spelling.WITH_UNIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration grammar: digits, then optionally a unit s, m or h; whole seconds take digits only. */
class DurationsTest {

    @Test
    void digitsAreSecondsInEitherSpelling() {
        for (Durations.Spelling spelling : Durations.Spelling.values()) {
            assertEquals(Optional.of(Duration.ZERO), Durations.parse("0", spelling));
            assertEquals(Optional.of(Duration.ofSeconds(10)), Durations.parse(" 10 ", spelling));
            assertEquals(Optional.of(Duration.ofSeconds(7)), Durations.parse("007", spelling));
        }
    }

    @Test
    void aUnitIsSecondsMinutesOrHours() {
        assertEquals(Optional.of(Duration.ofSeconds(10)), Durations.parse("10s", WITH_UNIT));
        assertEquals(Optional.of(Duration.ofMinutes(1)), Durations.parse("1m", WITH_UNIT));
        assertEquals(Optional.of(Duration.ofHours(2)), Durations.parse("2 h", WITH_UNIT));
        assertEquals(Optional.of(Duration.ofSeconds(30)), Durations.parse("30", WITH_UNIT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10s", "1m", "2 h"})
    void wholeSecondsTakeNoUnit(String value) {
        assertEquals(Optional.empty(), Durations.parse(value, WHOLE_SECONDS));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", " ", "s", "abc", "-1", "+5", "-0", "1.5", "5.0", "1e1", "0x10", "1_000", "10ms", "10x", "1d", "10S",
                "s10", "1 0", "\u0665", "true"
            })
    void anythingElseIsNotADuration(String value) {
        assertEquals(Optional.empty(), Durations.parse(value, WITH_UNIT));
        assertEquals(Optional.empty(), Durations.parse(value, WHOLE_SECONDS));
    }

    @Test
    void aDurationFitsInNanoseconds() {
        long most = Long.MAX_VALUE / 1_000_000_000L;
        assertEquals(Optional.of(Duration.ofSeconds(most)), Durations.parse(Long.toString(most), WHOLE_SECONDS));
        assertEquals(Optional.empty(), Durations.parse(Long.toString(most + 1), WHOLE_SECONDS));
        assertEquals(Optional.empty(), Durations.parse("99999999999999999999", WHOLE_SECONDS));
        assertEquals(Optional.empty(), Durations.parse("9999999999999h", WITH_UNIT));
        assertEquals(
                Optional.of(Duration.ofSeconds(Integer.MAX_VALUE)),
                Durations.parse("000000000000000000002147483647", WHOLE_SECONDS),
                "leading zeros do not count");
    }
}
