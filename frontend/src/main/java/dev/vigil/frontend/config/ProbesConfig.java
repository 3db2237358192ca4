package dev.vigil.frontend.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** dstack-style service probes the frontend runs against each worker instance. */
@ConfigMapping(prefix = "dyn")
public interface ProbesConfig {

    /** {@code DYN_PROBES}: the probes as inline YAML or JSON, in dstack's format. */
    Optional<String> probes();

    /** {@code DYN_PROBES_FILE}: a YAML file with the probes, instead of {@code DYN_PROBES}. */
    Optional<String> probesFile();

    /**
     * {@code DYN_PROBES_ENV_DIR}: a directory of files, one per name, that {@code ${{ env.NAME }}}
     * reads first, at each send, so a secret rotated there applies without a restart.
     */
    Optional<String> probesEnvDir();
}
