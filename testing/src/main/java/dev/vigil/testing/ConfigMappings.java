package dev.vigil.testing;

import java.util.Map;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A {@code @ConfigMapping} read from a given environment, as the app reads it from the real one, but
 * without starting Quarkus: for tests of variable names, defaults, conversion and the message a bad
 * value gets. A bad value throws where the app would stop at start-up.
 */
public final class ConfigMappings {

    /** The ordinal SmallRye gives the process environment. */
    private static final int ENVIRONMENT = 300;

    private ConfigMappings() {}

    /** {@code mapping} as the app sees it when its environment is exactly {@code env}. */
    public static <T> T fromEnvironment(Class<T> mapping, Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(mapping)
                .withSources(new EnvConfigSource(env, ENVIRONMENT))
                .build();
        return config.getConfigMapping(mapping);
    }
}
