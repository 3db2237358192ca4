package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test does when a system tool it starts (promtool, Prometheus, Node.js) is missing. Run by
 * hand, it is skipped with the reason; run by {@code ./vigil test}, which installs every such tool
 * first and sets {@code VIGIL_TEST_TOOLS=required}, it fails: a skipped test there would be a check
 * that silently did not happen.
 */
public final class TestTools {

    /** The variable {@code ./vigil test} sets. */
    public static final String VIGIL_TEST_TOOLS = "VIGIL_TEST_TOOLS";

    private TestTools() {}

    /** Whether missing tools fail tests instead of skipping them. */
    public static boolean required() {
        return "required".equals(System.getenv(VIGIL_TEST_TOOLS));
    }

    /** Skips (or, when tools are {@linkplain #required() required}, fails) the test unless {@code installed}. */
    public static void assumeInstalled(boolean installed, String reason) {
        if (installed) {
            return;
        }
        if (required()) {
            fail(reason + " (" + VIGIL_TEST_TOOLS + "=required: ./vigil test installs it)");
        }
        assumeTrue(false, reason);
    }
}
