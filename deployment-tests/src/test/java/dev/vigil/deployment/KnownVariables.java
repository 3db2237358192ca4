package dev.vigil.deployment;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.vigil.runtime.config.EnvNames;

/** Which environment variables a deployment may set, and their defaults when it sets none. */
final class KnownVariables {

    /** Variables of the etcd and NATS containers, documented in docs/deployment.md. */
    static final Set<String> INFRASTRUCTURE = Set.of("POD_NAME");

    private static final Map<String, String> DEFAULTS = defaults();

    private KnownVariables() {}

    /** A variable Vigil reads. */
    static boolean isVigil(String name) {
        return EnvNames.ALL.contains(name);
    }

    /** The value a Vigil app uses: the one set, else the default documented in docs/configuration.md. */
    static String effective(Map<String, String> env, String name) {
        if (!EnvNames.ALL.contains(name)) {
            throw new IllegalArgumentException(name + " is not in EnvNames");
        }
        String value = env.get(name);
        return value != null && !value.isEmpty() ? value : DEFAULTS.get(name);
    }

    /** Defaults from the table rows {@code | `NAME` | description | `default` | example |}. */
    private static Map<String, String> defaults() {
        Map<String, String> defaults = new HashMap<>();
        for (String line : Repo.read("docs/configuration.md").split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String name = cells[1].trim().replace("`", "");
            String value = cells[3].trim();
            if (value.startsWith("`") && value.endsWith("`")) {
                defaults.put(name, value.substring(1, value.length() - 1));
            }
        }
        return defaults;
    }
}
