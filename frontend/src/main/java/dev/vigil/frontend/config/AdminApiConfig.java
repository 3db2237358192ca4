package dev.vigil.frontend.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.StrictBooleanConverter;

/** The frontend's admin routes, which change how it routes for every client. */
@ConfigMapping(prefix = "dyn")
public interface AdminApiConfig {

    /**
     * {@code DYN_DISABLE_FRONTEND_ADMIN_API}: {@code true} removes {@code GET} and {@code POST
     * /busy_threshold}, so a frontend exposed to clients cannot have its thresholds changed by them;
     * the path then answers 404 like any unknown route. As in Dynamo, off by default.
     */
    @WithName("disable-frontend-admin-api")
    @WithDefault("false")
    @WithConverter(StrictBooleanConverter.class)
    boolean disabled();
}
