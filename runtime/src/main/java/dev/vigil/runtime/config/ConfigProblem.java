package dev.vigil.runtime.config;

/**
 * The one line an operator sees for a bad setting, naming the variable, the bad value and what is
 * accepted:
 *
 * <pre>Invalid configuration: DYN_SYSTEM_PORT="abc": expected an integer port 0-65535</pre>
 *
 * {@code StartupFailure} writes it for what a converter rejected; checks a converter cannot make
 * alone (two settings that clash, a file that cannot be read) throw it themselves. Operators and
 * tests grep for this wording, so it is written here only.
 */
public final class ConfigProblem {

    private static final String PREFIX = "Invalid configuration: ";

    private ConfigProblem() {}

    /** {@code Invalid configuration: VARIABLE="value": expected} */
    public static String line(String variable, Object value, String expected) {
        return line(variable + "=\"" + value + "\": " + expected);
    }

    /** {@code Invalid configuration: problem}, for a problem that is not one variable's value. */
    public static String line(String problem) {
        return PREFIX + problem;
    }

    /**
     * The first line of a message from a library (SmallRye Config, SnakeYAML, Jackson), stripped, so
     * that a report quoting it stays one line: their messages go on with source excerpts and carets.
     * {@code unreadable} when there is no message at all.
     */
    public static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String text = message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }
}
