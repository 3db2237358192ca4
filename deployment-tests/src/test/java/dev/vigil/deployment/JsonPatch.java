package dev.vigil.deployment;

import java.util.List;
import java.util.Map;

/**
 * JSON Patch (RFC 6902) {@code add}, {@code replace} and {@code remove} on the maps and lists of a
 * parsed document, as kustomize applies a patch file to its target. Paths are JSON pointers (RFC
 * 6901); {@code -} appends to a list.
 */
final class JsonPatch {

    private JsonPatch() {}

    static void apply(Map<String, Object> document, List<Object> operations) {
        for (Object operation : operations) {
            String op = Tree.string(operation, "op");
            String path = Tree.string(operation, "path");
            if (op == null || path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("bad patch operation " + operation);
            }
            String[] steps = path.substring(1).split("/", -1);
            Object parent = document;
            for (int i = 0; i < steps.length - 1; i++) {
                parent = step(parent, unescape(steps[i]), path);
            }
            String last = unescape(steps[steps.length - 1]);
            Object value = Tree.at(operation, "value");
            switch (op) {
                case "add" -> add(parent, last, value, path);
                case "replace" -> {
                    remove(parent, last, path);
                    add(parent, last, value, path);
                }
                case "remove" -> remove(parent, last, path);
                default -> throw new IllegalArgumentException("unsupported patch operation " + op + " at " + path);
            }
        }
    }

    private static Object step(Object node, String step, String path) {
        Object next = node instanceof List<?> list ? list.get(Integer.parseInt(step)) : Tree.at(node, step);
        if (next == null) {
            throw new IllegalArgumentException("patch path " + path + " not found at '" + step + "'");
        }
        return next;
    }

    @SuppressWarnings("unchecked")
    private static void add(Object parent, String key, Object value, String path) {
        if (parent instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).put(key, value);
        } else if (parent instanceof List<?> list) {
            List<Object> items = (List<Object>) list;
            items.add(key.equals("-") ? items.size() : Integer.parseInt(key), value);
        } else {
            throw new IllegalArgumentException("patch path " + path + " has no container");
        }
    }

    private static void remove(Object parent, String key, String path) {
        Object removed = parent instanceof Map<?, ?> map
                ? map.remove(key)
                : parent instanceof List<?> list ? list.remove(Integer.parseInt(key)) : null;
        if (removed == null) {
            throw new IllegalArgumentException("patch path " + path + " not found");
        }
    }

    private static String unescape(String step) {
        return step.replace("~1", "/").replace("~0", "~");
    }
}
