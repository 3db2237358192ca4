package dev.vigil.runtime.lifecycle;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.config.ConfigValidationException;

import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.config.EnvNames;

/**
 * Turns a start-up failure into what an operator needs: one line per problem, naming the
 * environment variable, the bad value and what is accepted, for example:
 *
 * <pre>Invalid configuration: DYN_SYSTEM_PORT="abc": expected an integer port 0-65535</pre>
 */
public final class StartupFailure {

    /** SmallRye Config's wording for a value its converter rejected (SRCFG00039). */
    private static final Pattern CONVERSION = Pattern.compile(
            "The config property (\\S+) with the config value \"(.*)\" threw an Exception whilst being converted:? ?(.*)",
            Pattern.DOTALL);

    private StartupFailure() {}

    /** The lines to print for this failure; never empty. */
    public static List<String> describe(Throwable failure) {
        List<String> messages = new ArrayList<>();
        ConfigValidationException validation = find(failure, ConfigValidationException.class);
        if (validation != null) {
            for (int i = 0; i < validation.getProblemCount(); i++) {
                messages.add(validation.getProblem(i).getMessage());
            }
        } else {
            messages.add(explanation(failure));
        }
        Set<String> ours = new LinkedHashSet<>();
        Set<String> others = new LinkedHashSet<>();
        for (String message : messages) {
            Matcher m = CONVERSION.matcher(message);
            if (m.find()) {
                String property = m.group(1);
                String line = ConfigProblem.line(
                        EnvNames.forProperty(property), m.group(2), ConfigProblem.firstLine(m.group(3)));
                (property.startsWith("dyn.") ? ours : others).add(line);
            } else {
                others.add(ConfigProblem.firstLine(message));
            }
        }
        // A DYN_* value that Quarkus also reads (DYN_SYSTEM_PORT feeds quarkus.http.port) fails
        // twice; the line naming our variable says everything the operator needs.
        return List.copyOf(ours.isEmpty() ? others : ours);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * The message that explains the failure to an operator: Vigil's own exceptions (an unreachable
     * etcd or NATS, a bad setting) say it in the operator's terms, so the outermost of them wins over
     * the low-level cause beneath it ("Connection refused"); otherwise the deepest message.
     */
    private static String explanation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("dev.vigil.") && t.getMessage() != null) {
                return t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return deepestMessage(failure);
    }

    private static String deepestMessage(Throwable failure) {
        String message = String.valueOf(failure);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return message;
    }
}
