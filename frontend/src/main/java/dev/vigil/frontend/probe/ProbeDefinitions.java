package dev.vigil.frontend.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.ext.web.Router;

import dev.vigil.frontend.config.ProbesConfig;
import dev.vigil.runtime.config.ConfigProblem;
import dev.vigil.runtime.config.EnvNames;

/**
 * Loads and validates the probes at start-up, so a bad probe configuration stops the frontend with
 * one line naming the probe, the field and what is accepted.
 */
@ApplicationScoped
public class ProbeDefinitions {

    private static final Logger LOG = Logger.getLogger(ProbeDefinitions.class);

    @Inject
    ProbesConfig config;

    private List<Probe> probes;
    private ProbeEnvironment environment;

    /**
     * As early as the application lets us: when the HTTP routes are set up, before the beans that
     * connect to etcd and NATS are created, so a bad probe configuration fails start-up with its one
     * line and nothing else (and before discovery's first list, on its own thread, needs them).
     */
    void load(@Observes @Priority(1) Router router) {
        probes();
    }

    /**
     * The configured probes, in configuration order; empty when none are configured. Read once, on
     * first use, which is during start-up.
     */
    public synchronized List<Probe> probes() {
        if (probes == null) {
            environment = ProbeEnvironment.of(envDirectory());
            probes = read();
            if (!probes.isEmpty()) {
                LOG.infof("%d probe(s) configured and valid", probes.size());
            }
        }
        return probes;
    }

    /** Where probes look up {@code ${{ env.NAME }}}, at each send. */
    public synchronized ProbeEnvironment environment() {
        probes();
        return environment;
    }

    private Path envDirectory() {
        if (config.probesEnvDir().isEmpty()) {
            return null;
        }
        Path directory = Path.of(config.probesEnvDir().get());
        if (!Files.isDirectory(directory)) {
            throw new ConfigurationException(ConfigProblem.line(
                    EnvNames.DYN_PROBES_ENV_DIR,
                    directory,
                    "expected a directory of secret files, one per variable name"));
        }
        return directory;
    }

    private List<Probe> read() {
        if (config.probes().isPresent() && config.probesFile().isPresent()) {
            throw new ConfigurationException(ConfigProblem.line(
                    "set " + EnvNames.DYN_PROBES + " or " + EnvNames.DYN_PROBES_FILE + ", not both"));
        }
        String variable;
        String text;
        if (config.probesFile().isPresent()) {
            variable = EnvNames.DYN_PROBES_FILE;
            Path file = Path.of(config.probesFile().get());
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ConfigurationException(ConfigProblem.line(
                        variable,
                        file,
                        "cannot read it (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
            }
        } else if (config.probes().isPresent()) {
            variable = EnvNames.DYN_PROBES;
            text = config.probes().get();
        } else {
            return List.of();
        }
        try {
            return ProbeConfigParser.parse(text, environment);
        } catch (ProbeConfigException e) {
            throw new ConfigurationException(ConfigProblem.line(variable + ": " + e.getMessage()));
        }
    }
}
