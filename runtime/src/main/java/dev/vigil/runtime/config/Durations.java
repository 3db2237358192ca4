package dev.vigil.runtime.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of durations in Vigil's configuration, for the environment variables and the probe
 * configs alike:
 *
 * <pre>
 * duration = digits [ whitespace* unit ]
 * digits   = one or more of the ASCII digits 0-9
 * unit     = "s" | "m" | "h"     seconds, minutes, hours; without a unit, seconds
 * </pre>
 *
 * Whitespace around the whole is ignored. There is no sign, fraction, exponent, digit separator or
 * other unit ({@code +5}, {@code -1}, {@code 1.5}, {@code 1e1}, {@code 1_000}, {@code 10ms} are not
 * durations): a duration written oddly is more likely a mistake than an intent. A duration is at most
 * what {@link Duration#toNanos()} holds (about 292 years).
 *
 * <p>Each reader picks its {@link Spelling}: Dynamo's integer second settings ({@code *_SECS}) take
 * {@link Spelling#WHOLE_SECONDS}, the number alone; the probe configs take {@link
 * Spelling#WITH_UNIT}. Ranges (at least 1 s, at most 300 s) and the error message are the reader's.
 */
public final class Durations {

    /** Which part of the grammar a setting accepts. */
    public enum Spelling {
        /** Digits only, in seconds: {@code 0}, {@code 10}, {@code 007}. */
        WHOLE_SECONDS,
        /** Digits with an optional unit: {@code 10s}, {@code 1m}, {@code 2 h}, {@code 30}. */
        WITH_UNIT
    }

    private static final Pattern GRAMMAR = Pattern.compile("([0-9]+)(?:\\s*([smh]))?");

    /** The most seconds whose nanoseconds still fit a {@code long}. */
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    private Durations() {}

    /** {@code text} as a duration, or empty when it is not one in {@code spelling}. */
    public static Optional<Duration> parse(String text, Spelling spelling) {
        Matcher m = GRAMMAR.matcher(text.trim());
        if (!m.matches() || (m.group(2) != null && spelling == Spelling.WHOLE_SECONDS)) {
            return Optional.empty();
        }
        long perUnit =
                switch (m.group(2) == null ? "s" : m.group(2)) {
                    case "m" -> 60;
                    case "h" -> 3600;
                    default -> 1;
                };
        String digits = m.group(1).replaceFirst("^0+(?=.)", "");
        // More digits than any duration has would overflow the parse.
        if (digits.length() > 19) {
            return Optional.empty();
        }
        long amount = Long.parseLong(digits);
        if (amount > MAX_SECONDS / perUnit) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(amount * perUnit));
    }
}
