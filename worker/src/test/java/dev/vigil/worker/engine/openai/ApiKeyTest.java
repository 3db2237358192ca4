package dev.vigil.worker.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DYN_ENGINE_API_KEY_FILE: read, re-read when it changes, never shown. */
class ApiKeyTest {

    @TempDir
    Path dir;

    @Test
    void theTokenIsReadAgainWhenTheFileChanges() throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "first-secret\n");
        ApiKey key = ApiKey.fromFile(file);
        assertEquals(Optional.of("Bearer first-secret"), key.header());
        Files.writeString(file, "second-secret-longer");
        // A rewrite within the file system's time granularity still changes the size; set the time
        // too so the test does not depend on that.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(Optional.of("Bearer second-secret-longer"), key.header());
        assertFalse(key.toString().contains("secret"), key.toString());
    }

    @Test
    void aFileThatVanishesKeepsTheLastToken() throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "kept");
        ApiKey key = ApiKey.fromFile(file);
        Files.delete(file);
        assertEquals(Optional.of("Bearer kept"), key.header());
    }
}
