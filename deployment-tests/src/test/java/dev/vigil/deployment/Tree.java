package dev.vigil.deployment;

import java.util.List;
import java.util.Map;

/**
 * Reads the plain maps and lists a YAML document parses into, by path: {@code Tree.string(pod,
 * "metadata", "name")}. A missing step yields null (or an empty map or list), so a check states what it
 * requires instead of tripping over a cast.
 */
final class Tree {

    private Tree() {}

    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map && step instanceof String key) {
                current = map.get(key);
            } else if (current instanceof List<?> list && step instanceof Integer index && index < list.size()) {
                current = list.get(index);
            } else {
                return null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, Object... path) {
        Object value = at(node, path);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, Object... path) {
        Object value = at(node, path);
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** The value as text: YAML {@code 9090} and {@code "9090"} both read as {@code 9090}. */
    static String string(Object node, Object... path) {
        Object value = at(node, path);
        return value == null ? null : String.valueOf(value);
    }

    static List<Map<String, Object>> maps(Object node, Object... path) {
        return list(node, path).stream()
                .filter(Map.class::isInstance)
                .map(o -> map(o))
                .toList();
    }
}
