package dev.vigil.runtime.discovery;

import java.util.Map;
import java.util.Set;

/**
 * What a watcher is told: the whole current state, keyed by discovery key, and which keys were added
 * or removed since the previous call. The first call carries the initial list (everything added). A
 * key whose value was replaced is in {@code added}.
 */
public record DiscoveryChange<T>(Map<String, T> current, Set<String> added, Set<String> removed) {

    public DiscoveryChange {
        current = Map.copyOf(current);
        added = Set.copyOf(added);
        removed = Set.copyOf(removed);
    }
}
