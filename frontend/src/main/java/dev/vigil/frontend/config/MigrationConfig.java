package dev.vigil.frontend.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import dev.vigil.runtime.config.NonNegativeIntConverter;
import dev.vigil.runtime.config.PositiveIntConverter;

/** Request migration: re-dispatching a request whose worker failed (Dynamo's migration operator). */
@ConfigMapping(prefix = "dyn.migration")
public interface MigrationConfig {

    /**
     * {@code DYN_MIGRATION_LIMIT}: how many times one request may be re-dispatched after its worker
     * failed before or during the stream. 0 (Dynamo's default) turns migration off.
     */
    @WithDefault("0")
    @WithConverter(NonNegativeIntConverter.class)
    int limit();

    /**
     * {@code DYN_MIGRATION_MAX_SEQ_LEN}: a request whose prompt plus generated tokens grows beyond
     * this many tokens is no longer migrated. Unset: no limit.
     */
    @WithConverter(PositiveIntConverter.class)
    Optional<Integer> maxSeqLen();
}
