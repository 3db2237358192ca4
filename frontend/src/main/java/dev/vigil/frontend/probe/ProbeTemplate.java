package dev.vigil.frontend.probe;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dstack's {@code ${{ env.NAME }}} references in a probe's url, header values and body, with {@code
 * $$} for a literal dollar sign. Resolved from the frontend's environment when a probe is sent.
 */
public final class ProbeTemplate {

    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\$|\\$\\{\\{\\s*env\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private ProbeTemplate() {}

    /** The variable names {@code text} refers to. */
    public static Set<String> names(String text) {
        Set<String> names = new LinkedHashSet<>();
        if (text != null) {
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                if (m.group(1) != null) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /**
     * {@code text} with every reference replaced.
     *
     * @throws ProbeConfigException naming the variable when it is not set
     */
    public static String resolve(String text, Function<String, Optional<String>> environment) {
        if (text == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) == null) {
                replacement = "$";
            } else {
                String name = m.group(1);
                replacement = environment
                        .apply(name)
                        .orElseThrow(() -> new ProbeConfigException("environment variable " + name + " is not set"));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
