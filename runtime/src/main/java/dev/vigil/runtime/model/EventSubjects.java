package dev.vigil.runtime.model;

/** The event plane's subjects, spelled in one place. */
public final class EventSubjects {

    private EventSubjects() {}

    /** Where the workers of a namespace publish their load ({@code LoadMetrics}), Dynamo's {@code kv_metrics}. */
    public static String loadMetrics(String namespace) {
        return "namespace." + EndpointId.slug(namespace) + ".kv_metrics";
    }
}
