package dev.vigil.worker.status;

import java.util.Set;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.config.EnvNames;
import dev.vigil.worker.config.SystemStatusConfig;

/**
 * The routes of the system status server. The health and live paths are configurable; {@code
 * /ready} is an alias of the health path (the seed: "both /live and /ready return the same
 * information") and {@code /metrics} serves Prometheus text.
 */
public record SystemStatusPaths(String health, String live) {

    public static final String READY_ALIAS = "/ready";
    public static final String METRICS = "/metrics";

    private static final Set<String> RESERVED = Set.of(METRICS);

    /**
     * Checks what a converter cannot see alone: the two paths must differ (Dynamo would panic on the
     * duplicate route) and must not take over {@code /metrics}.
     */
    public static SystemStatusPaths of(SystemStatusConfig config) {
        String health = config.healthPath();
        String live = config.livePath();
        if (health.equals(live)) {
            throw new ConfigurationException(ConfigProblem.line(
                    EnvNames.DYN_SYSTEM_LIVE_PATH,
                    live,
                    "must differ from " + EnvNames.DYN_SYSTEM_HEALTH_PATH + " (\"" + health + "\")"));
        }
        reject(EnvNames.DYN_SYSTEM_HEALTH_PATH, health);
        reject(EnvNames.DYN_SYSTEM_LIVE_PATH, live);
        return new SystemStatusPaths(health, live);
    }

    private static void reject(String variable, String path) {
        if (RESERVED.contains(path)) {
            throw new ConfigurationException(ConfigProblem.line(
                    variable, path, path + " is reserved for Prometheus metrics; choose another path"));
        }
    }
}
