package dev.vigil.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * The command of a service's health check as the container runs it: the compose {@code test} if
     * it has one ({@code $$} is {@code $}), else the {@code HEALTHCHECK} of the Containerfile its image
     * is built from. Empty when neither says anything.
     */
    static List<String> healthCheck(Map<String, Object> service) {
        List<String> test = new ArrayList<>();
        Tree.list(service, "healthcheck", "test")
                .forEach(part -> test.add(String.valueOf(part).replace("$$", "$")));
        if (!test.isEmpty()) {
            return test;
        }
        Path containerfile = containerfile(service);
        return containerfile == null ? List.of() : imageHealthCheck(containerfile);
    }

    /** The Containerfile a service builds its image from, or null for a pulled image. */
    static Path containerfile(Map<String, Object> service) {
        String context = Tree.string(service, "build", "context");
        if (context == null) {
            return null;
        }
        String dockerfile = Tree.string(service, "build", "dockerfile");
        return dockerfile == null ? Repo.path(context).resolve("Containerfile") : Repo.path(dockerfile);
    }

    private static final Pattern HEALTHCHECK_CMD = Pattern.compile("(?m)^HEALTHCHECK\\b.*?\\bCMD\\s+(\\[.*])\\s*$");

    /** The exec-form command of a Containerfile's {@code HEALTHCHECK} (continuation lines joined). */
    static List<String> imageHealthCheck(Path containerfile) {
        String text;
        try {
            text = Files.readString(containerfile).replaceAll("\\\\\\n\\s*", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = HEALTHCHECK_CMD.matcher(text);
        if (!m.find()) {
            return List.of();
        }
        List<String> command = new ArrayList<>(List.of("CMD"));
        for (Object part : YamlFiles.parseFlowList(m.group(1))) {
            command.add(String.valueOf(part));
        }
        return command;
    }

    /** The class the JVM images' health check runs: {@code PORT_VARIABLE DEFAULT_PORT PATH_VARIABLE DEFAULT_PATH}. */
    static final String HEALTH_CHECK_COMMAND = "dev.vigil.health.http.HealthCheckCommand";

    private static final Pattern DEV_TCP_GET = Pattern.compile(
            "/dev/tcp/127\\.0\\.0\\.1/(?:\\$\\{(\\w+):-(\\d+)}|(\\d+)) .*GET (?:\\$\\{(\\w+):-(\\S+?)}|(\\S+)) HTTP/1\\.0.*= 200");

    /**
     * Port and path a health check asks with the service's environment {@code env}, or null for another
     * kind of check: Vigil's {@link #HEALTH_CHECK_COMMAND} (JVM images) or a bash {@code /dev/tcp} GET
     * (native images), either reading the app's own variables with defaults.
     */
    static String[] httpTarget(List<String> healthCheck, Map<String, String> env) {
        int at = healthCheck.indexOf(HEALTH_CHECK_COMMAND);
        if (at >= 0 && healthCheck.size() == at + 5) {
            return new String[] {
                orDefault(env, healthCheck.get(at + 1), healthCheck.get(at + 2)),
                orDefault(env, healthCheck.get(at + 3), healthCheck.get(at + 4))
            };
        }
        Matcher m = DEV_TCP_GET.matcher(String.join(" ", healthCheck));
        if (!m.find()) {
            return null;
        }
        String port = m.group(3) != null ? m.group(3) : orDefault(env, m.group(1), m.group(2));
        String path = m.group(6) != null ? m.group(6) : orDefault(env, m.group(4), m.group(5));
        return new String[] {port, path};
    }

    private static String orDefault(Map<String, String> env, String variable, String fallback) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * A {@code ports} entry {@code HOST_IP:HOST_PORT:CONTAINER_PORT} as its three parts, a {@code
     * ${VAR:-default}} host port read as its default.
     */
    static String[] portMapping(String entry) {
        String resolved = entry.replaceAll("\\$\\{\\w+:-([^}]*)}", "$1");
        String[] parts = resolved.split(":");
        if (parts.length != 3) {
            throw new AssertionError("not HOST_IP:HOST_PORT:CONTAINER_PORT: " + entry);
        }
        return parts;
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
