package dev.vigil.runtime.discovery;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one watcher has been told so far. Every backend turns its news (a full listing after a
 * (re)connect, or a batch of watch events applied to {@link #seen()}) into a new full state and asks
 * for the {@link DiscoveryChange} that leads the watcher there. Because the change is always computed
 * against what the listener last saw, a reconnect that re-lists cannot lose or repeat a change.
 *
 * <p>A key whose value changed is reported in {@code added} (its new value is in {@code current}).
 * Not thread-safe: a subscription owns one and uses it from its one delivery thread.
 */
public final class ChangeTracker<T> {

    private Map<String, T> seen = Map.of();
    private boolean told;

    /** What the watcher was last told, keyed by discovery key. */
    public Map<String, T> seen() {
        return Collections.unmodifiableMap(seen);
    }

    /**
     * Moves to {@code now}. The first call always yields a change (the initial list, everything
     * added, possibly nothing); later calls yield one only when something differs.
     */
    public Optional<DiscoveryChange<T>> moveTo(Map<String, T> now) {
        Set<String> added = new HashSet<>();
        Set<String> removed = new HashSet<>();
        now.forEach((key, value) -> {
            if (!Objects.equals(seen.get(key), value)) {
                added.add(key);
            }
        });
        for (String key : seen.keySet()) {
            if (!now.containsKey(key)) {
                removed.add(key);
            }
        }
        boolean first = !told;
        told = true;
        if (!first && added.isEmpty() && removed.isEmpty()) {
            return Optional.empty();
        }
        seen = new HashMap<>(now);
        return Optional.of(new DiscoveryChange<>(now, added, removed));
    }
}
