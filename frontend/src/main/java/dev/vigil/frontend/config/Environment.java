package dev.vigil.frontend.config;

import java.util.Optional;

/**
 * The frontend's process environment, read by name at the moment of use. Only probe templates need
 * this ({@code ${{ env.NAME }}}, resolved each time a probe is sent so a rotated secret applies
 * without a restart); every setting of Vigil's own goes through a {@code @ConfigMapping}.
 */
public final class Environment {

    private Environment() {}

    public static Optional<String> variable(String name) {
        return Optional.ofNullable(System.getenv(name));
    }
}
