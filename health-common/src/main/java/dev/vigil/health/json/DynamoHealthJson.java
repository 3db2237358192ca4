package dev.vigil.health.json;

import java.util.Map;

import dev.vigil.health.HealthSnapshot;
import dev.vigil.health.HealthStatus;
import dev.vigil.health.Uptime;

/**
 * Renders the worker's health as Dynamo does: compact JSON, keys in alphabetical order, exactly
 * {@code endpoints}, {@code status} and {@code uptime}. For example:
 *
 * <pre>{"endpoints":{"generate":"ready"},"status":"ready","uptime":{"nanos":356504530,"secs":18}}</pre>
 *
 * <p>Everything but the uptime only changes with the snapshot, so it is rendered once per snapshot
 * and reused; a request only formats two numbers.
 */
public final class DynamoHealthJson {

    private record Rendered(HealthSnapshot snapshot, String head) {}

    private volatile Rendered last = new Rendered(null, "");

    /** The health (and, by default, live) body. */
    public String health(HealthSnapshot snapshot, Uptime uptime) {
        Rendered rendered = last;
        if (rendered.snapshot() != snapshot) {
            rendered = new Rendered(snapshot, head(snapshot));
            last = rendered;
        }
        StringBuilder out = new StringBuilder(rendered.head().length() + 48).append(rendered.head());
        return uptime(out, uptime).append('}').toString();
    }

    /** The shallow live body: the process is up, whatever its readiness. */
    public static String live(Uptime uptime) {
        StringBuilder out = new StringBuilder(64).append("{\"status\":\"live\",\"uptime\":");
        return uptime(out, uptime).append('}').toString();
    }

    private static String head(HealthSnapshot snapshot) {
        StringBuilder out = new StringBuilder(128).append("{\"endpoints\":{");
        boolean first = true;
        for (Map.Entry<String, HealthStatus> entry : snapshot.endpoints().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            Json.string(out, entry.getKey()).append(':');
            Json.string(out, entry.getValue().wireName());
        }
        out.append("},\"status\":");
        Json.string(out, snapshot.status().wireName());
        return out.append(",\"uptime\":").toString();
    }

    private static StringBuilder uptime(StringBuilder out, Uptime uptime) {
        return out.append("{\"nanos\":")
                .append(uptime.nanos())
                .append(",\"secs\":")
                .append(uptime.secs())
                .append('}');
    }
}
