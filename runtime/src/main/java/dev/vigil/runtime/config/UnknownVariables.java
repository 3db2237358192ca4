package dev.vigil.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Variables that look like Vigil's ({@code DYN_…}, {@code VIGIL_…}) but that nothing in Vigil reads.
 * A misspelt name is otherwise silently ignored and its setting silently left at the default, the
 * hardest kind of mistake to see. Both apps warn about each one once, at start-up, naming the closest
 * known name. Every name either app reads is known to both (one env file often serves a frontend and
 * its workers), and so are the {@code VIGIL_…} names of Vigil's own tools ({@link EnvNames#TOOLS}).
 */
@ApplicationScoped
public class UnknownVariables {

    private static final Logger LOG = Logger.getLogger(UnknownVariables.class);

    /** What a Vigil variable starts with. */
    static final List<String> PREFIXES = List.of("DYN_", "VIGIL_");

    /** The largest edit distance at which a known name is offered as the one meant. */
    static final int MAX_DISTANCE = 3;

    // First of all start-up observers: the warning comes before anything that may fail because of it.
    void warn(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        warnings(System.getenv()).forEach(LOG::warn);
    }

    /** One warning per unknown Vigil-looking variable in {@code env}, sorted by name. */
    public static List<String> warnings(Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (looksLikeVigil(name) && !EnvNames.known(name)) {
                warnings.add(message(name));
            }
        }
        return warnings;
    }

    /** {@code DYN_SYSTEM_PROT is not a Vigil variable; did you mean DYN_SYSTEM_PORT?} */
    public static String message(String name) {
        return closest(name)
                .map(known -> name + " is not a Vigil variable; did you mean " + known + "?")
                .orElse(name + " is not a Vigil variable; it is ignored");
    }

    static boolean looksLikeVigil(String name) {
        return PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The known name nearest to {@code name}, if one is within {@link #MAX_DISTANCE} edits. */
    static Optional<String> closest(String name) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String known : EnvNames.KNOWN) {
            int d = distance(name, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, with a swap of two neighbouring letters counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
