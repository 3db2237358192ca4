package dev.vigil.frontend.probe;

import java.time.Duration;
import java.util.List;

/**
 * One probe, dstack's model with its defaults applied and validated ({@link ProbeConfigParser}). The
 * url, header values and body may still hold {@code ${{ env.NAME }}} references: they are resolved
 * each time the probe is sent ({@link ProbeTemplate}), so a rotated secret takes effect without a
 * restart and is never stored resolved.
 *
 * @param index position in the configuration, from 1, for messages and status output
 * @param failureThreshold Vigil's addition: consecutive failures that take a ready instance out of
 *     routing; null keeps dstack's latch (once ready, always ready)
 */
public record Probe(
        int index,
        String url,
        Method method,
        List<Header> headers,
        String body,
        Duration timeout,
        Duration interval,
        int readyAfter,
        boolean untilReady,
        Integer failureThreshold) {

    public enum Method {
        GET,
        POST,
        PUT,
        DELETE,
        PATCH,
        HEAD
    }

    public record Header(String name, String value) {}

    public Probe {
        headers = List.copyOf(headers);
    }
}
