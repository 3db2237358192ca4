package dev.vigil.frontend.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** How requests are spread over worker instances. */
@ConfigMapping(prefix = "dyn.router")
public interface RouterConfig {

    /** {@code DYN_ROUTER_MODE}: {@code round-robin} or {@code random}. */
    @WithDefault("round-robin")
    @WithConverter(RouterMode.Converter.class)
    RouterMode mode();
}
