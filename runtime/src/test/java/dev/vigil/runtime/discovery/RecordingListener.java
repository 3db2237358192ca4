package dev.vigil.runtime.discovery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Remembers every change it is told, and on which thread, for tests to wait on. */
public final class RecordingListener<T> implements DiscoveryListener<T> {

    private final List<DiscoveryChange<T>> changes = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final Predicate<String> keys;

    /** Records every change. */
    public RecordingListener() {
        this(key -> true);
    }

    /**
     * Records only the part of each change about keys that pass {@code keys} (tests sharing one etcd
     * each look at their own namespace); a change with nothing for them is not recorded.
     */
    public RecordingListener(Predicate<String> keys) {
        this.keys = keys;
    }

    @Override
    public void onChange(DiscoveryChange<T> change) {
        threads.add(Thread.currentThread().getName());
        Map<String, T> current = new HashMap<>();
        change.current().forEach((k, v) -> {
            if (keys.test(k)) {
                current.put(k, v);
            }
        });
        Set<String> added = change.added().stream().filter(keys).collect(Collectors.toSet());
        Set<String> removed = change.removed().stream().filter(keys).collect(Collectors.toSet());
        if (changes.isEmpty() || !added.isEmpty() || !removed.isEmpty()) {
            changes.add(new DiscoveryChange<>(current, added, removed));
        }
    }

    public List<DiscoveryChange<T>> changes() {
        return List.copyOf(changes);
    }

    /** The state after the last change, or empty before the first. */
    public Map<String, T> current() {
        List<DiscoveryChange<T>> all = changes();
        return all.isEmpty() ? Map.of() : all.get(all.size() - 1).current();
    }

    public int count() {
        return changes.size();
    }

    public List<String> threads() {
        return List.copyOf(threads);
    }
}
