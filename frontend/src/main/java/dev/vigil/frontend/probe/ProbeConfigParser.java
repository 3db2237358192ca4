package dev.vigil.frontend.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.vigil.frontend.probe.Probe.Header;
import dev.vigil.frontend.probe.Probe.Method;
import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.config.Durations;

/**
 * Reads probes in dstack's format (YAML, or JSON): a list of probes, or a map whose {@code probes} key
 * holds the list. Defaults are applied first and validation runs after, so a body with no method (a
 * GET) is rejected, which dstack lets through. Every error names the probe, the field and what is
 * accepted.
 */
public final class ProbeConfigParser {

    /** dstack's limits. */
    static final int MAX_PROBES = 10;

    static final int MAX_HEADERS = 16;
    static final int MAX_URL = 2048;
    static final int MAX_BODY = 2048;
    static final int MAX_HEADER_NAME = 256;
    static final int MAX_HEADER_VALUE = 2048;
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(300);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    /** dstack's defaults. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

    private static final Set<String> FIELDS = Set.of(
            "type",
            "url",
            "method",
            "headers",
            "body",
            "timeout",
            "interval",
            "ready_after",
            "until_ready",
            "failure_threshold");

    private ProbeConfigParser() {}

    /**
     * Parses and validates {@code text}; every {@code ${{ env.NAME }}} must resolve in {@code
     * environment} now (it is resolved again at each send).
     */
    public static List<Probe> parse(String text, Function<String, Optional<String>> environment) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new ProbeConfigException(
                    "probes are not valid YAML or JSON: " + ConfigProblem.firstLine(e.getMessage()));
        }
        if (root instanceof Map<?, ?> map && map.containsKey("probes")) {
            root = map.get("probes");
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof List<?> list)) {
            throw new ProbeConfigException("probes: expected a list of probes (or a map with a 'probes' list)");
        }
        if (list.size() > MAX_PROBES) {
            throw new ProbeConfigException("probes: at most " + MAX_PROBES + " probes are allowed, got " + list.size());
        }
        List<Probe> probes = new ArrayList<>();
        Set<Probe> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Probe probe = probe(i + 1, list.get(i), environment);
            Probe withoutIndex = new Probe(
                    0,
                    probe.url(),
                    probe.method(),
                    probe.headers(),
                    probe.body(),
                    probe.timeout(),
                    probe.interval(),
                    probe.readyAfter(),
                    probe.untilReady(),
                    probe.failureThreshold());
            if (!seen.add(withoutIndex)) {
                throw new ProbeConfigException(
                        "probe " + (i + 1) + ": probes must be unique; it repeats an earlier one");
            }
            probes.add(probe);
        }
        return probes;
    }

    private static Probe probe(int index, Object item, Function<String, Optional<String>> environment) {
        String where = "probe " + index;
        if (!(item instanceof Map<?, ?> map)) {
            throw new ProbeConfigException(where + ": expected a map of fields such as {type: http, url: /health}");
        }
        for (Object key : map.keySet()) {
            if (!FIELDS.contains(String.valueOf(key))) {
                throw new ProbeConfigException(where + ": unknown field '" + key + "'; accepted: "
                        + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        if (!"http".equals(map.get("type"))) {
            throw new ProbeConfigException(where + ": field 'type': expected http, got " + describe(map.get("type")));
        }
        String url = map.containsKey("url") ? string(where, "url", map.get("url")) : "/";
        where = where + " (" + url + ")";
        if (!url.startsWith("/") || url.length() > MAX_URL || !printable(url)) {
            throw new ProbeConfigException(
                    where + ": field 'url': expected a path starting with '/', printable, at most " + MAX_URL
                            + " characters");
        }
        Method method = map.containsKey("method") ? method(where, map.get("method")) : Method.GET;
        List<Header> headers = headers(where, map.get("headers"));
        String body = map.containsKey("body") ? string(where, "body", map.get("body")) : null;
        if (body != null && (body.isEmpty() || body.length() > MAX_BODY)) {
            throw new ProbeConfigException(where + ": field 'body': expected 1 to " + MAX_BODY + " characters");
        }
        // After the defaults: a body with no method is a GET with a body, which dstack accepts by accident.
        if (body != null && (method == Method.GET || method == Method.HEAD)) {
            throw new ProbeConfigException(where + ": field 'body': not allowed with method "
                    + method.name().toLowerCase(Locale.ROOT) + "; set method to post, put, patch or delete");
        }
        Duration timeout =
                map.containsKey("timeout") ? duration(where, "timeout", map.get("timeout")) : DEFAULT_TIMEOUT;
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new ProbeConfigException(
                    where + ": field 'timeout': expected 1s to 300s, got " + timeout.toSeconds() + "s");
        }
        Duration interval =
                map.containsKey("interval") ? duration(where, "interval", map.get("interval")) : DEFAULT_INTERVAL;
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new ProbeConfigException(where + ": field 'interval': expected at least 1s");
        }
        int readyAfter = map.containsKey("ready_after") ? positive(where, "ready_after", map.get("ready_after")) : 1;
        boolean untilReady = map.containsKey("until_ready") && bool(where, "until_ready", map.get("until_ready"));
        Integer failureThreshold = map.containsKey("failure_threshold")
                ? positive(where, "failure_threshold", map.get("failure_threshold"))
                : null;
        Probe probe = new Probe(
                index, url, method, headers, body, timeout, interval, readyAfter, untilReady, failureThreshold);
        checkReferences(where, probe, environment);
        return probe;
    }

    /** An unresolved {@code ${{ env.NAME }}} is a configuration error at start-up, not at the first probe. */
    private static void checkReferences(String where, Probe probe, Function<String, Optional<String>> env) {
        Set<String> names = new LinkedHashSet<>(ProbeTemplate.names(probe.url()));
        probe.headers().forEach(h -> names.addAll(ProbeTemplate.names(h.value())));
        names.addAll(ProbeTemplate.names(probe.body()));
        for (String name : names) {
            if (env.apply(name).isEmpty()) {
                throw new ProbeConfigException(where + ": ${{ env." + name + " }} refers to " + name
                        + ", which is not set in the frontend's environment");
            }
        }
    }

    private static List<Header> headers(String where, Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new ProbeConfigException(where + ": field 'headers': expected a list of {name, value}");
        }
        if (list.size() > MAX_HEADERS) {
            throw new ProbeConfigException(
                    where + ": field 'headers': at most " + MAX_HEADERS + " headers, got " + list.size());
        }
        List<Header> headers = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> h)
                    || !(h.get("name") instanceof String name)
                    || !(h.get("value") instanceof String v)) {
                throw new ProbeConfigException(where + ": field 'headers': each header needs a string name and value");
            }
            if (name.isEmpty() || name.length() > MAX_HEADER_NAME || v.isEmpty() || v.length() > MAX_HEADER_VALUE) {
                throw new ProbeConfigException(where + ": field 'headers': name must be 1-" + MAX_HEADER_NAME
                        + " characters and value 1-" + MAX_HEADER_VALUE);
            }
            headers.add(new Header(name, v));
        }
        return headers;
    }

    private static Method method(String where, Object value) {
        String text = value instanceof String s ? s : "";
        for (Method m : Method.values()) {
            if (m.name().toLowerCase(Locale.ROOT).equals(text)) {
                return m;
            }
        }
        throw new ProbeConfigException(
                where + ": field 'method': expected get, post, put, delete, patch or head, got " + describe(value));
    }

    /** {@code 10s}, {@code 1m}, {@code 2h} or a number of seconds: {@link Durations}' grammar with a unit. */
    static Duration duration(String where, String field, Object value) {
        Optional<Duration> duration = value instanceof Boolean
                ? Optional.empty()
                : Durations.parse(String.valueOf(value), Durations.Spelling.WITH_UNIT);
        return duration.orElseThrow(() -> new ProbeConfigException(where + ": field '" + field
                + "': expected a duration such as 10s, 1m or 30 (seconds), got " + describe(value)));
    }

    private static int positive(String where, String field, Object value) {
        if (value instanceof Integer i && i >= 1) {
            return i;
        }
        throw new ProbeConfigException(
                where + ": field '" + field + "': expected an integer of at least 1, got " + describe(value));
    }

    private static boolean bool(String where, String field, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ProbeConfigException(
                where + ": field '" + field + "': expected true or false, got " + describe(value));
    }

    private static String string(String where, String field, Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw new ProbeConfigException(where + ": field '" + field + "': expected a string, got " + describe(value));
    }

    private static boolean printable(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c != 0x7f);
    }

    private static String describe(Object value) {
        return value == null ? "nothing" : "'" + value + "'";
    }
}
