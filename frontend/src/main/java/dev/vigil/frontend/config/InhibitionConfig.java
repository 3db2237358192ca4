package dev.vigil.frontend.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import dev.vigil.runtime.config.SecondsConverter;

/** Dynamo's local inhibition: how a worker that failed a request is kept out of this frontend's routing. */
@ConfigMapping(prefix = "dyn.runtime")
public interface InhibitionConfig {

    /**
     * {@code DYN_RUNTIME_INHIBITED_DURATION_SECS}: whole seconds a worker that failed a request
     * (could not be reached, its stream broke or went silent, it was shutting down) stays out of
     * this frontend's routing, unless a discovery change gives it back sooner. {@code 0}: never
     * inhibited, a failed worker stays a candidate. Dynamo's default.
     */
    @WithName("inhibited-duration-secs")
    @WithDefault("5")
    @WithConverter(SecondsConverter.AtLeastZero.class)
    Duration inhibitedDuration();
}
