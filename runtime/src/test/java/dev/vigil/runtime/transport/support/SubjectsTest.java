package dev.vigil.runtime.transport.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubjectsTest {

    @Test
    void exactAndWildcardMatches() {
        assertTrue(Subjects.matches("a.b.c", "a.b.c"));
        assertFalse(Subjects.matches("a.b.c", "a.b"));
        assertFalse(Subjects.matches("a.b", "a.b.c"));
        assertTrue(Subjects.matches("a.*.c", "a.b.c"));
        assertFalse(Subjects.matches("a.*", "a.b.c"));
        assertTrue(Subjects.matches("a.>", "a.b.c"));
        assertTrue(Subjects.matches("a.>", "a.b"));
        assertFalse(Subjects.matches("a.>", "a"));
        assertTrue(Subjects.matches(">", "a"));
    }

    @Test
    void rejectsWhatNatsRejects() {
        assertEquals("dynamo_backend.generate-1", Subjects.requireValid("dynamo_backend.generate-1"));
        for (String bad : new String[] {"", "a..b", ".a", "a.", "a b"}) {
            assertThrows(IllegalArgumentException.class, () -> Subjects.requireValid(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Subjects.requireValid(null));
    }
}
