package dev.vigil.testing;

/** Tear-down for a test's processes. */
public final class Processes {

    private Processes() {}

    /**
     * Closes each of {@code processes} in order (nulls skipped); one that fails to close does not keep
     * the rest running, since every process here is stopped by PID regardless.
     */
    public static void closeAll(AutoCloseable... processes) {
        for (AutoCloseable process : processes) {
            try {
                if (process != null) {
                    process.close();
                }
            } catch (Exception e) {
                // best effort: go on with the others
            }
        }
    }
}
