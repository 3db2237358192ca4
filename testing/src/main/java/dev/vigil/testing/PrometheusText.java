package dev.vigil.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, as strict as {@code promtool check
 * metrics} is about syntax, so the build catches what that tool rejects without needing it: HELP may
 * escape only {@code \\} and {@code \n}, label values only {@code \\}, {@code \"} and {@code \n};
 * names must be valid; every sample belongs to a family declared by a TYPE line before it; no HELP
 * or TYPE twice; no series twice; a histogram's buckets rise with their bounds and end at {@code
 * +Inf}, which equals {@code _count}. It also applies promtool's lint rules that Vigil keeps: every
 * family has HELP text, and a counter's name ends in {@code _total}.
 *
 * <p>{@link #parse} throws {@link IllegalArgumentException} naming the line at the first violation.
 */
public final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: its full name (with any {@code _bucket}/{@code _sum}/{@code _count} suffix), labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** A metric family: its name, type, HELP text (unescaped) and samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples) {}

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    /** The families by name, in the order they appeared. */
    public Map<String, Family> families() {
        return families;
    }

    /** The value of the one sample named {@code name} whose labels are exactly {@code labels}. */
    public Optional<Double> value(String name, Map<String, String> labels) {
        return samples(name).stream()
                .filter(s -> s.labels().equals(labels))
                .map(Sample::value)
                .findFirst();
    }

    /** Every sample named {@code name} (a histogram's {@code _bucket}, {@code _count}, … included). */
    public List<Sample> samples(String name) {
        List<Sample> found = new ArrayList<>();
        families.values()
                .forEach(f ->
                        f.samples().stream().filter(s -> s.name().equals(name)).forEach(found::add));
        return found;
    }

    public static PrometheusText parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> helps = new TreeMap<>();
        Set<String> seen = new java.util.HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("# HELP ")) {
                    String rest = line.substring(7);
                    int space = rest.indexOf(' ');
                    String name = space < 0 ? rest : rest.substring(0, space);
                    name(name);
                    if (helps.put(name, unescapeHelp(space < 0 ? "" : rest.substring(space + 1))) != null) {
                        throw new IllegalArgumentException("second HELP for " + name);
                    }
                } else if (line.startsWith("# TYPE ")) {
                    String[] parts = line.substring(7).split(" ", -1);
                    if (parts.length != 2 || !TYPES.contains(parts[1])) {
                        throw new IllegalArgumentException("bad TYPE line");
                    }
                    name(parts[0]);
                    if (families.containsKey(parts[0])) {
                        throw new IllegalArgumentException("second TYPE for " + parts[0]);
                    }
                    families.put(parts[0], new Family(parts[0], parts[1], null, new ArrayList<>()));
                } else if (line.startsWith("#")) {
                    continue; // a comment
                } else {
                    Sample sample = sample(line);
                    Family family = familyOf(families, sample.name());
                    if (family == null) {
                        throw new IllegalArgumentException("sample of an undeclared family: " + sample.name());
                    }
                    if (!seen.add(sample.name() + sample.labels())) {
                        throw new IllegalArgumentException("series twice: " + sample.name() + sample.labels());
                    }
                    family.samples().add(sample);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": " + e.getMessage() + ": " + line, e);
            }
        }
        Map<String, Family> complete = new LinkedHashMap<>();
        for (Family f : families.values()) {
            String help = helps.get(f.name());
            if (help == null || help.isBlank()) {
                throw new IllegalArgumentException(f.name() + " has no help text");
            }
            if (f.type().equals("counter") && !f.name().endsWith("_total")) {
                throw new IllegalArgumentException("counter " + f.name() + " should end in _total");
            }
            if (f.type().equals("histogram")) {
                checkHistogram(f);
            }
            complete.put(f.name(), new Family(f.name(), f.type(), help, List.copyOf(f.samples())));
        }
        for (String name : helps.keySet()) {
            if (!families.containsKey(name)) {
                throw new IllegalArgumentException("HELP without TYPE: " + name);
            }
        }
        return new PrometheusText(complete);
    }

    private static Family familyOf(Map<String, Family> families, String sample) {
        Family exact = families.get(sample);
        if (exact != null) {
            return exact;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (sample.endsWith(suffix)) {
                Family f = families.get(sample.substring(0, sample.length() - suffix.length()));
                if (f != null && (f.type().equals("histogram") || f.type().equals("summary"))) {
                    return f;
                }
            }
        }
        return null;
    }

    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> series = new TreeMap<>(s.labels());
                if (series.remove("le") == null) {
                    throw new IllegalArgumentException(f.name() + ": bucket without le");
                }
                buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
            } else if (s.name().endsWith("_count")) {
                counts.put(new TreeMap<>(s.labels()), s.value());
            }
        }
        buckets.forEach((series, list) -> {
            double bound = Double.NEGATIVE_INFINITY;
            double cumulative = 0;
            for (Sample b : list) {
                double le = number(b.labels().get("le"));
                if (le <= bound || b.value() < cumulative) {
                    throw new IllegalArgumentException(f.name() + series + ": buckets out of order at le=" + le);
                }
                bound = le;
                cumulative = b.value();
            }
            if (bound != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(f.name() + series + ": no +Inf bucket");
            }
            Double count = counts.get(series);
            if (count == null || count != cumulative) {
                throw new IllegalArgumentException(
                        f.name() + series + ": _count " + count + " != +Inf bucket " + cumulative);
            }
        });
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = new TreeMap<>();
        String rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches()) {
                    throw new IllegalArgumentException("bad label name " + label);
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value not quoted");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(
                                switch (next) {
                                    case '\\' -> '\\';
                                    case '"' -> '"';
                                    case 'n' -> '\n';
                                    default -> throw new IllegalArgumentException(
                                            "invalid escape \\" + next + " in label value");
                                });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("label twice: " + label);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = line.substring(i + 1);
            if (!rest.startsWith(" ")) {
                throw new IllegalArgumentException("no space before the value");
            }
            rest = rest.substring(1);
        } else {
            if (space < 0) {
                throw new IllegalArgumentException("no value");
            }
            name = line.substring(0, space);
            rest = line.substring(space + 1);
        }
        name(name);
        String[] fields = rest.split(" ", -1);
        if (fields.length > 2) {
            throw new IllegalArgumentException("too many fields after the value");
        }
        if (fields.length == 2) {
            Long.parseLong(fields[1]); // a timestamp
        }
        return new Sample(name, Map.copyOf(labels), number(fields[0]));
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number: " + text);
                }
            }
        };
    }

    private static void name(String name) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
    }

    private static String unescapeHelp(String help) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') {
                if (i + 1 == help.length()) {
                    throw new IllegalArgumentException("HELP ends in a backslash");
                }
                char next = help.charAt(++i);
                out.append(
                        switch (next) {
                            case '\\' -> '\\';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException(
                                    "invalid escape sequence '\\" + next + "' in HELP");
                        });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
