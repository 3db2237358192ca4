package dev.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Prometheus server (Debian's {@code prometheus}, {@code /usr/bin/prometheus}) on a free loopback
 * port, scraping the targets it is given every second into a throw-away data directory. Set {@code
 * VIGIL_PROMETHEUS_BIN} to use another binary; {@link #installed()} says whether there is one.
 */
public final class PrometheusServer extends ServerProcess {

    private static final String DEFAULT_BINARY = "/usr/bin/prometheus";

    private final int port = FreePort.next();
    private final Path dir;
    private final String binary = binary("VIGIL_PROMETHEUS_BIN", DEFAULT_BINARY, "prometheus");

    /** @param jobs scrape jobs: job name → {@code host:port} targets */
    public PrometheusServer(java.util.Map<String, List<String>> jobs) {
        super(uniqueName("prometheus"));
        try {
            dir = Files.createTempDirectory("prometheus");
            StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n")
                    .append("scrape_configs:\n");
            jobs.forEach((job, targets) -> config.append("  - job_name: ")
                    .append(job)
                    .append("\n    static_configs:\n      - targets: [")
                    .append(String.join(
                            ", ", targets.stream().map(t -> "\"" + t + "\"").toList()))
                    .append("]\n"));
            Files.writeString(dir.resolve("prometheus.yml"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(System.getenv().getOrDefault("VIGIL_PROMETHEUS_BIN", DEFAULT_BINARY)));
    }

    /** {@code http://127.0.0.1:<port>}: the HTTP API's base. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    List<String> command() {
        return List.of(
                binary,
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port);
    }

    @Override
    int readinessPort() {
        return port;
    }
}
