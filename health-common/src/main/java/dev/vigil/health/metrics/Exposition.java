package dev.vigil.health.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;

/**
 * Makes both apps' {@code /metrics} what {@code promtool check metrics} accepts, as Dynamo's is.
 *
 * <ul>
 *   <li><b>Format.</b> Quarkus answers a client that sends no {@code Accept} or {@code *}{@code /*}
 *       (curl, most scripts) with OpenMetrics, whose HELP escapes {@code "} as {@code \"}, an
 *       invalid escape in the text format 0.0.4 that promtool and Dynamo speak ("invalid escape
 *       sequence" on Micrometer's {@code The "cpu time" used by …}). Here a request gets OpenMetrics
 *       only if it names {@code application/openmetrics-text}; Prometheus names both and keeps
 *       getting 0.0.4, as before.
 *   <li><b>Lint.</b> Micrometer's binders register some meters without a description (promtool: "no
 *       help text"); they get one here. {@code process_cpu_time_ns_total} (an abbreviated unit) is
 *       replaced by Prometheus' own {@code process_cpu_seconds_total}; {@code system_cpu_count}
 *       (a gauge named like a histogram's count), {@code http_server_connections_seconds} and, with
 *       the TCP request plane's Vert.x net server and client, {@code tcp_connections_seconds} (long
 *       task timers written as malformed summaries) are dropped.
 * </ul>
 */
@ApplicationScoped
public class Exposition {

    private static final String OPENMETRICS = "application/openmetrics-text";

    /** Descriptions for binder meters that come without one; others get {@link #fallback}. */
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("http.server.active.requests", "HTTP requests the server is handling now"),
            Map.entry("netty.allocator.memory.used", "Memory used by Netty's buffer allocator"),
            Map.entry("netty.allocator.memory.pinned", "Memory pinned by buffers of Netty's allocator"),
            Map.entry("netty.allocator.pooled.arenas", "Arenas of Netty's pooled allocator"),
            Map.entry("netty.allocator.pooled.cache.size", "Cache sizes of Netty's pooled allocator"),
            Map.entry("netty.allocator.pooled.chunk.size", "Chunk size of Netty's pooled allocator"),
            Map.entry("netty.allocator.pooled.threadlocal.caches", "Thread-local caches of Netty's pooled allocator"),
            Map.entry("netty.eventexecutor.tasks.pending", "Tasks waiting on a Netty event loop"),
            Map.entry("netty.eventexecutor.workers", "Netty event loop threads"));

    /**
     * Dropped: an abbreviated unit, a gauge named like a histogram's count, and a long task timer
     * that the 0.0.4 writer renders as a summary of samples that are not its own ({@code
     * _active_count}, {@code _duration_sum}).
     */
    private static final Set<String> DROPPED =
            Set.of("process.cpu.time", "system.cpu.count", "http.server.connections", "tcp.connections");

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "/q/metrics")
    String metricsPath;

    @Produces
    @Singleton
    MeterFilter lintClean() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return DROPPED.contains(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                if (description != null && !description.isBlank()) {
                    return id;
                }
                return new Meter.Id(
                        id.getName(),
                        io.micrometer.core.instrument.Tags.of(id.getTags()),
                        id.getBaseUnit(),
                        DESCRIPTIONS.getOrDefault(id.getName(), fallback(id.getName())),
                        id.getType());
            }
        };
    }

    static String fallback(String name) {
        return "Micrometer meter " + name;
    }

    void processCpu(@Observes StartupEvent event) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            FunctionCounter.builder("process.cpu", sun, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("Total user and system CPU time spent in seconds")
                    .register(registry);
        }
    }

    void negotiate(@Observes Router router) {
        // Before Quarkus' own handler on the same path.
        router.route(metricsPath).order(Integer.MIN_VALUE).handler(ctx -> {
            String accept = ctx.request().getHeader("Accept");
            if (accept == null || !accept.contains(OPENMETRICS)) {
                ctx.request().headers().set("Accept", "text/plain");
            }
            ctx.next();
        });
    }
}
