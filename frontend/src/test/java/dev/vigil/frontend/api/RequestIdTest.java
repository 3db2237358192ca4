package dev.vigil.frontend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Request ids are random version 4 UUIDs in canonical form, as {@link UUID#randomUUID} gives. */
class RequestIdTest {

    @Test
    void idsAreDistinctVersion4UuidsInCanonicalForm() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = OpenAiRoutes.requestId();
            UUID parsed = UUID.fromString(id);
            assertEquals(4, parsed.version(), id);
            assertEquals(2, parsed.variant(), id);
            assertEquals(parsed.toString(), id);
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }
}
