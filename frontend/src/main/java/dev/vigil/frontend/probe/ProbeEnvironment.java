package dev.vigil.frontend.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where {@code ${{ env.NAME }}} in a probe is looked up, at each send. A process's environment is
 * fixed when it starts, so a secret rotated there needs a restart; a secret in {@code
 * DYN_PROBES_ENV_DIR} (one file per name, such as a mounted Kubernetes Secret, which the kubelet
 * updates in place) takes effect at the next probe. A file in that directory wins over a variable of
 * the same name. Values are never logged.
 */
public final class ProbeEnvironment implements Function<String, Optional<String>> {

    private final Path directory;
    private final Function<String, Optional<String>> process;

    /**
     * @param directory the secrets directory, or null for the process environment alone
     * @param process the process environment
     */
    public ProbeEnvironment(Path directory, Function<String, Optional<String>> process) {
        this.directory = directory;
        this.process = process;
    }

    /** The frontend's own environment, with {@code directory} in front of it when given. */
    public static ProbeEnvironment of(Path directory) {
        return new ProbeEnvironment(directory, name -> Optional.ofNullable(System.getenv(name)));
    }

    @Override
    public Optional<String> apply(String name) {
        if (directory != null) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    // Secret files usually end with a newline that is not part of the value.
                    return Optional.of(Files.readString(file).replaceFirst("\\r?\\n$", ""));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return process.apply(name);
    }
}
