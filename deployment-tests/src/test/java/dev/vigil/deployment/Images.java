package dev.vigil.deployment;

import java.nio.file.Path;

/**
 * Vigil's image names: {@code vigil/<module>:<variant>}, built by {@code
 * <module>/src/main/docker/Dockerfile.<variant>} (variant {@code jvm} or {@code native}).
 */
final class Images {

    static final String REPOSITORY_PREFIX = "vigil/";

    private Images() {}

    record Image(String module, String variant) {

        Path dockerfile() {
            return Repo.path(module + "/src/main/docker/Dockerfile." + variant);
        }

        @Override
        public String toString() {
            return REPOSITORY_PREFIX + module + ":" + variant;
        }
    }

    static Image parse(String reference) {
        String repository = Kustomize.repository(reference);
        if (!repository.startsWith(REPOSITORY_PREFIX) || reference.length() <= repository.length()) {
            throw new AssertionError(reference + " is not vigil/<module>:<variant>");
        }
        return new Image(
                repository.substring(REPOSITORY_PREFIX.length()), reference.substring(repository.length() + 1));
    }
}
