package dev.vigil.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** compose.yaml, alone or with an override file merged on top as {@code docker compose -f … -f …} does. */
final class ComposeFiles {

    private ComposeFiles() {}

    static Map<String, Object> load(String... files) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (String file : files) {
            merge(merged, YamlFiles.load(Repo.path(file)));
        }
        return merged;
    }

    /** Compose's merge for the fields we use: mappings merge key by key, anything else is replaced. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> base, Map<String, Object> override) {
        override.forEach((key, value) -> {
            if (base.get(key) instanceof Map<?, ?> current && value instanceof Map<?, ?> next) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) current);
                merge(copy, (Map<String, Object>) next);
                base.put(key, copy);
            } else {
                base.put(key, value);
            }
        });
    }

    static Map<String, Object> service(Map<String, Object> compose, String name) {
        Map<String, Object> service = Tree.map(compose, "services", name);
        if (service.isEmpty()) {
            throw new AssertionError("no service " + name);
        }
        return service;
    }

    /** A service's environment as name → value, from the mapping or the list form. */
    static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object environment = Tree.at(service, "environment");
        if (environment instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else {
            for (Object entry : Tree.list(service, "environment")) {
                String[] pair = String.valueOf(entry).split("=", 2);
                env.put(pair[0], pair.length > 1 ? pair[1] : null);
            }
        }
        return env;
    }

    /** The command of a health check's {@code test}, as the container runs it ({@code $$} is {@code $}). */
    static List<String> healthCheck(Map<String, Object> service) {
        List<String> test = new ArrayList<>();
        Tree.list(service, "healthcheck", "test")
                .forEach(part -> test.add(String.valueOf(part).replace("$$", "$")));
        return test;
    }

    private static final Pattern DEV_TCP_GET =
            Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+) .*GET (\\S+) HTTP/1\\.0.*= 200");

    /** Port and path a bash {@code /dev/tcp} health check asks, or null for another kind of check. */
    static String[] httpTarget(List<String> healthCheck) {
        Matcher m = DEV_TCP_GET.matcher(String.join(" ", healthCheck));
        return m.find() ? new String[] {m.group(1), m.group(2)} : null;
    }

    /** Compose durations as used here: {@code 45s}, {@code 1m30s}. */
    static long seconds(String duration) {
        Matcher m = Pattern.compile("(?:(\\d+)m)?(?:(\\d+)s)?").matcher(duration);
        if (duration.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("duration " + duration);
        }
        long minutes = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long seconds = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        return minutes * 60 + seconds;
    }
}
