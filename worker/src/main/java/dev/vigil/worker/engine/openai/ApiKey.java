package dev.vigil.worker.engine.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * The bearer token sent to the engine, read from {@code DYN_ENGINE_API_KEY_FILE} and read again
 * whenever the file changes (its modification time, size or identity), so a rotated Kubernetes secret
 * is picked up without a restart. The token itself is never logged, never shown, and not in {@link
 * #toString()}. While the file cannot be read the last token read is kept, so a secret being
 * rewritten does not fail requests.
 */
final class ApiKey {

    private static final Logger LOG = Logger.getLogger(ApiKey.class);

    private final Path file;
    private Object seen;
    private String token;

    private ApiKey(Path file) {
        this.file = file;
    }

    /** No token: requests carry no {@code Authorization} header. */
    static ApiKey none() {
        return new ApiKey(null);
    }

    /** The token in {@code file}, read now: a file that cannot be read fails start-up. */
    static ApiKey fromFile(Path file) throws IOException {
        ApiKey key = new ApiKey(file);
        key.token = read(file);
        key.seen = version(file);
        return key;
    }

    /** The {@code Authorization} header's value, if there is a token. */
    synchronized Optional<String> header() {
        if (file == null) {
            return Optional.empty();
        }
        try {
            Object now = version(file);
            if (!now.equals(seen)) {
                token = read(file);
                seen = now;
                LOG.infof("Re-read the engine API key from %s", file);
            }
        } catch (IOException e) {
            LOG.warnf("Cannot read the engine API key file %s (%s); keeping the key read before", file, e.getMessage());
        }
        return token.isEmpty() ? Optional.empty() : Optional.of("Bearer " + token);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private static Object version(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        Object key = attributes.fileKey();
        return java.util.List.of(
                attributes.lastModifiedTime(), attributes.size(), key == null ? "" : key, file.toRealPath());
    }

    @Override
    public String toString() {
        return file == null ? "no API key" : "API key from " + file;
    }
}
