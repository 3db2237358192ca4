package dev.vigil.runtime.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ChangeTrackerTest {

    @Test
    void firstMoveIsTheInitialListEvenWhenEmpty() {
        ChangeTracker<String> tracker = new ChangeTracker<>();
        assertEquals(Optional.of(new DiscoveryChange<>(Map.of(), Set.of(), Set.of())), tracker.moveTo(Map.of()));
        assertEquals(Optional.empty(), tracker.moveTo(Map.of()));
    }

    @Test
    void changesAreAgainstWhatWasLastSeen() {
        ChangeTracker<String> tracker = new ChangeTracker<>();
        tracker.moveTo(Map.of("a", "1", "b", "2"));
        DiscoveryChange<String> change =
                tracker.moveTo(Map.of("b", "2", "c", "3")).orElseThrow();
        assertEquals(Set.of("c"), change.added());
        assertEquals(Set.of("a"), change.removed());
        assertEquals(Map.of("b", "2", "c", "3"), change.current());
        assertEquals(Map.of("b", "2", "c", "3"), tracker.seen());
    }

    @Test
    void aChangedValueIsReportedAsAdded() {
        ChangeTracker<String> tracker = new ChangeTracker<>();
        tracker.moveTo(Map.of("a", "1"));
        DiscoveryChange<String> change = tracker.moveTo(Map.of("a", "2")).orElseThrow();
        assertEquals(Set.of("a"), change.added());
        assertTrue(change.removed().isEmpty());
    }
}
